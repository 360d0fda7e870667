//! Who the client is, for the rate limits kept per address. The TCP peer, unless the peer is one of the reverse
//! proxies listed in `TRUSTED_PROXIES`: then the rightmost address in `X-Forwarded-For` that is not itself a trusted
//! proxy, since every entry left of the last one a trusted proxy added is whatever the client chose to send.

use std::future::{Ready, ready};
use std::net::{IpAddr, SocketAddr};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use ipnet::IpNet;

use crate::error::ApiError;
use crate::state::AppState;

/// The client's address as far as this service can tell (`None` only when the connection has no peer address,
/// as in some unit tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|net| net.contains(&ip))
}

/// One `X-Forwarded-For` entry: an address, or an address with a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
        .map(|ip| ip.to_canonical())
}

/// The client address of a request from `peer` carrying these `X-Forwarded-For` header values (in order).
pub fn resolve<'a>(peer: IpAddr, forwarded_for: impl DoubleEndedIterator<Item = &'a str>, proxies: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted(peer, proxies) {
        return peer;
    }
    let mut client = peer;
    let entries: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).collect();
    for entry in entries.into_iter().rev() {
        // Garbage where a trusted proxy should have written an address: stop at the last hop we can name.
        let Some(ip) = parse_entry(entry) else { break };
        client = ip;
        if !trusted(ip, proxies) {
            break;
        }
    }
    client
}

impl ClientAddress {
    pub fn of(req: &HttpRequest, proxies: &[IpNet]) -> ClientAddress {
        let forwarded = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok());
        ClientAddress(req.peer_addr().map(|peer| resolve(peer.ip(), forwarded, proxies)))
    }

    /// The request's client address as `crate::edge::believed_client_address` found it; worked out here only where
    /// that middleware did not run. For code that holds the request rather than taking the extractor.
    pub fn for_request(req: &HttpRequest) -> ClientAddress {
        if let Some(client) = req.extensions().get::<ClientAddress>() {
            return *client;
        }
        let proxies = req.app_data::<web::Data<AppState>>().map(|s| s.trusted_proxies.clone());
        ClientAddress::of(req, proxies.as_deref().unwrap_or(&[]))
    }

    /// As text, for a rate-limit key.
    pub fn key(&self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl FromRequest for ClientAddress {
    type Error = ApiError;
    type Future = Ready<Result<ClientAddress, ApiError>>;

    /// As `crate::edge::believed_client_address` found it; worked out here only where that middleware did not run.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(ClientAddress::for_request(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "2001:db8::1/128".parse().unwrap()];
        // Straight from the internet: the header is whatever the client wrote.
        assert_eq!(resolve(ip("203.0.113.9"), ["198.51.100.1"].into_iter(), &proxies), ip("203.0.113.9"));
        // Through our proxy: the address it saw, not what the client claimed further left.
        assert_eq!(resolve(ip("10.0.0.2"), ["1.1.1.1, 198.51.100.7"].into_iter(), &proxies), ip("198.51.100.7"));
        // Through two of our proxies, over two header lines, with a port.
        assert_eq!(
            resolve(ip("10.0.0.2"), ["1.1.1.1", "198.51.100.7:4711, 10.0.0.3"].into_iter(), &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(resolve(ip("2001:db8::1"), ["[2001:db8::5]:80"].into_iter(), &proxies), ip("2001:db8::5"));
        // No header, or garbage: the proxy itself.
        assert_eq!(resolve(ip("10.0.0.2"), std::iter::empty(), &proxies), ip("10.0.0.2"));
        assert_eq!(resolve(ip("10.0.0.2"), ["1.1.1.1, not-an-address"].into_iter(), &proxies), ip("10.0.0.2"));
        // An IPv4 peer seen as IPv6-mapped is still matched against IPv4 blocks.
        assert_eq!(resolve(ip("::ffff:10.0.0.2"), ["198.51.100.7"].into_iter(), &proxies), ip("198.51.100.7"));
    }
}
