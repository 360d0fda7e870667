//! Request bodies read exactly as the OpenAPI document describes them. `Json<T>` replaces actix's extractor because
//! serde_json, by default, reads a JSON array into a struct (`[null, null]` as `{"name": null, "role": null}`), which
//! the document does not allow; and because JSON Schema counts `3.0` as an integer, which serde does not. Every
//! problem names the field it is in. A body that is not JSON, or not of the documented shape (a string where an
//! object belongs, a missing field) is answered 400; a value of the right type that the field does not take (a date
//! that does not exist, an unknown choice, 900 for a small number) is answered 422 with the field in `errors`, like
//! every other rule.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Number, Value};

use domain::error::{FieldError, FieldErrorCode};

use crate::error::ApiError;

/// Largest JSON body accepted (a full visit request is about 2 KB).
pub const JSON_LIMIT: usize = 32 * 1024;

/// A JSON request body, read strictly (see the module's documentation). Refused bodies answer 400 (`malformed_request`)
/// or 413, never reaching the handler.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload, JSON_LIMIT);
        Box::pin(async move { from_slice(&body.await?).map(Json) })
    }
}

/// The body of a JSON request, up to `limit` bytes: 400 (`malformed_request`) when the Content-Type is not JSON or
/// the body cannot be read, 413 past `limit` (declared or streamed). For the few endpoints that take more than
/// [`JSON_LIMIT`] (a prison's whole roll) or read the JSON their own way.
pub fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> impl Future<Output = Result<web::BytesMut, ApiError>> + 'static {
    let json_content = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        let essence = v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
    });
    let declared_len =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    async move {
        if !json_content {
            return Err(ApiError::Malformed(
                "Send the body as JSON with the header Content-Type: application/json.".into(),
            ));
        }
        if declared_len.is_some_and(|n| n > limit) {
            return Err(ApiError::PayloadTooLarge);
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| ApiError::Malformed("The request body could not be read.".into()))?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Reads `T` from JSON text strictly, or says what is wrong and where.
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::Malformed(format!("The JSON body is not valid: {e}")))?;
    parse_value(value)
}

/// As [`from_slice`], for a body already read as JSON (to look at it first): 400 for the wrong shape, 422 for a
/// value the field does not take.
pub fn parse_value<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    from_value(value).map_err(|e| match e.kind {
        Kind::Shape => ApiError::Malformed(format!("The JSON body is not valid: {e}")),
        Kind::Value => ApiError::validation(FieldError::new(
            e.path(),
            FieldErrorCode::InvalidValue,
            format!("This value is not one the field takes: {}", e.message),
        )),
    })
}

/// Reads `T` from a JSON value strictly: objects only where `T` has a struct, whole numbers written `3.0` accepted
/// where `T` has an integer.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(Strict(value))
}

/// Whether a value is of the wrong kind for its place (400), or of the right kind but not one the field takes (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Shape,
    Value,
}

/// Why a value does not fit, and the path to it (`slots[1].date`).
#[derive(Debug)]
pub struct Error {
    kind: Kind,
    path: Vec<String>,
    message: String,
}

impl Error {
    fn shape(message: String) -> Self {
        Error { kind: Kind::Shape, path: Vec::new(), message }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// What is wrong with the value, without its path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON path of the value (`slots[1].date`), empty for the whole body.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for key in self.path.iter().rev() {
            if !path.is_empty() && !key.starts_with('[') {
                path.push('.');
            }
            path.push_str(key);
        }
        path
    }

    /// The same error one level further out: `key` is `"name"` or `"[2]"`.
    fn under(mut self, key: String) -> Self {
        self.path.push(key);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "`{}`: {}", self.path(), self.message) }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    /// What a type's own parsing says (a date, a time, a newtype): a value the field does not take.
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error { kind: Kind::Value, path: Vec::new(), message: msg.to_string() }
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::shape(format!("invalid type: {unexp}, expected {exp}"))
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        Error::shape(format!("invalid length {len}, expected {exp}"))
    }

    fn missing_field(field: &'static str) -> Self {
        Error::shape(format!("missing field `{field}`"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::shape(format!("duplicate field `{field}`"))
    }
}

/// A JSON value as a strict deserializer.
struct Strict(Value);

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => de::Unexpected::Unsigned(u),
            (_, Some(i), _) => de::Unexpected::Signed(i),
            (_, _, Some(f)) => de::Unexpected::Float(f),
            _ => de::Unexpected::Other("number"),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// A number JSON Schema calls an integer (`3`, `3.0`, `-2.0e3`) as an integer, if it is one that fits 64 bits.
fn whole(n: &Number) -> Option<Result<u64, i64>> {
    if let Some(u) = n.as_u64() {
        return Some(Ok(u));
    }
    if let Some(i) = n.as_i64() {
        return Some(Err(i));
    }
    let f = n.as_f64()?;
    // Beyond 2^53 a float is not exact; such a number is not a value anyone meant.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.fract() != 0.0 || !f.is_finite() || f.abs() > EXACT {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(if f >= 0.0 { Ok(f as u64) } else { Err(f as i64) })
}

macro_rules! integer {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match &self.0 {
                Value::Number(n) => match whole(n) {
                    Some(Ok(u)) => visitor.visit_u64(u),
                    Some(Err(i)) => visitor.visit_i64(i),
                    // A whole number too large to be exact is an integer to JSON Schema: too large, not malformed.
                    None if n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                        Err(de::Error::invalid_value(unexpected(&self.0), &visitor))
                    }
                    None => Err(de::Error::invalid_type(unexpected(&self.0), &visitor)),
                },
                other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Strict {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            // Whole numbers as integers, also when buffered for an internally tagged enum (`DecisionRequest`).
            Value::Number(n) => match (whole(&n), n.as_f64()) {
                (Some(Ok(u)), _) => visitor.visit_u64(u),
                (Some(Err(i)), _) => visitor.visit_i64(i),
                (None, Some(f)) => visitor.visit_f64(f),
                (None, None) => Err(de::Error::custom("a number out of range")),
            },
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visitor.visit_seq(Items { items: items.into_iter(), index: 0 }),
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
        }
    }

    integer!(deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_i8 deserialize_i16
        deserialize_i32 deserialize_i64);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            value => visitor.visit_some(Strict(value)),
        }
    }

    /// The point of this module: a struct is read from an object, never from an array.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items { items: items.into_iter(), index: 0 }),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Externally tagged enums: a unit variant is its name; a variant with data is `{"name": data}`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            Value::Object(map) if map.len() == 1 => {
                let Some((variant, value)) = map.into_iter().next() else {
                    return Err(de::Error::custom("an empty object where a choice was expected"));
                };
                visitor.visit_enum(Variant { variant, value })
            }
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool u128 i128 f32 f64 char str string bytes byte_buf unit_struct tuple_struct identifier
    }
}

struct Items {
    items: std::vec::IntoIter<Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else { return Ok(None) };
        let index = self.index;
        self.index += 1;
        seed.deserialize(Strict(value)).map(Some).map_err(|e| e.under(format!("[{index}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Fields {
    fields: serde_json::map::IntoIter,
    value: Option<(String, Value)>,
}

impl Fields {
    fn new(map: Map<String, Value>) -> Self {
        Fields { fields: map.into_iter(), value: None }
    }
}

impl<'de> MapAccess<'de> for Fields {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.fields.next() else { return Ok(None) };
        let read = seed.deserialize(key.clone().into_deserializer()).map(Some);
        self.value = Some((key, value));
        read
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("a value without its name"));
        };
        seed.deserialize(Strict(value)).map_err(|e| e.under(key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

struct Variant {
    variant: String,
    value: Value,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Strict;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Strict), Error> {
        let variant = seed.deserialize(self.variant.into_deserializer())?;
        Ok((variant, Strict(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for Strict {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(&other), &"nothing")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        n: u8,
        s: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        inner: Inner,
        #[serde(default)]
        list: Vec<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Tagged {
        A { n: i32 },
        B,
    }

    fn error<T: DeserializeOwned + fmt::Debug>(value: Value) -> String {
        from_value::<T>(value).unwrap_err().to_string()
    }

    #[test]
    fn an_array_is_never_read_as_a_struct_at_any_depth() {
        assert!(error::<Inner>(json!([null, null])).contains("sequence"));
        assert!(error::<Outer>(json!({"inner": [1, "x"]})).starts_with("`inner`:"));
        assert!(error::<Outer>(json!({"inner": {"n": 1}, "list": [{"n": 2}, [3, null]]})).starts_with("`list[1]`:"));
        assert_eq!(
            from_value::<Outer>(json!({"inner": {"n": 1, "s": "x"}})).unwrap(),
            Outer { inner: Inner { n: 1, s: Some("x".into()) }, list: vec![] }
        );
    }

    #[test]
    fn whole_numbers_written_as_floats_are_integers_and_others_are_not() {
        assert_eq!(from_value::<Inner>(json!({"n": 7.0})).unwrap().n, 7);
        assert_eq!(from_value::<Tagged>(json!({"kind": "a", "n": -2388.0})).unwrap(), Tagged::A { n: -2388 });
        assert!(error::<Inner>(json!({"n": 7.5})).starts_with("`n`: invalid type: floating point"));
        assert_eq!(error::<Inner>(json!({"n": 900})), "`n`: invalid value: integer `900`, expected u8");
        let huge = from_value::<Inner>(json!({"n": 1.2e21})).unwrap_err();
        assert_eq!((huge.kind(), huge.path()), (Kind::Value, "n".to_owned()));
        assert_eq!(from_value::<Inner>(json!({"n": "7"})).unwrap_err().kind(), Kind::Shape);
    }

    #[test]
    fn internally_tagged_enums_and_options_read_as_usual() {
        assert_eq!(from_value::<Tagged>(json!({"kind": "b"})).unwrap(), Tagged::B);
        assert!(error::<Tagged>(json!({"kind": "c"})).contains("unknown variant"));
        assert_eq!(from_value::<Inner>(json!({"n": 1, "s": null})).unwrap().s, None);
    }
}
