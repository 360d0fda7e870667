//! SSRF safety: a receiver's URL must be `https://` and every address its host resolves to public. Checked when a
//! subscription is written (a 422 with a field error) and again at each delivery against DNS rebinding: the delivery
//! client's resolver ([`CheckedResolver`]) resolves, checks every address and hands reqwest only those, so the
//! connection goes to the address checked; a URL with an IP address is checked before sending.
//! `WEBHOOKS_ALLOW_LOOPBACK` lets `http://` and loopback through, for tests and development.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::LazyLock;

use ipnet::{Ipv4Net, Ipv6Net};
use url::{Host, Url};

/// The longest URL accepted.
pub const MAX_URL_LENGTH: usize = 2000;

/// Addresses that are not on the public internet: this network, private (RFC 1918), CGNAT (RFC 6598), loopback,
/// link-local (incl. cloud metadata at 169.254.169.254), IETF protocol assignments, documentation (TEST-NET-1/2/3),
/// benchmarking, multicast, reserved and broadcast (IANA IPv4 special-purpose registry).
static V4_REFUSED: LazyLock<Vec<Ipv4Net>> = LazyLock::new(|| {
    [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    ]
    .iter()
    .filter_map(|n| n.parse().ok())
    .collect()
});

/// The same for IPv6 (IANA IPv6 special-purpose registry): unspecified, loopback, NAT64 and IPv4-translated (which
/// reach IPv4 addresses), discard, IETF protocol assignments (incl. Teredo), documentation, 6to4, unique-local,
/// site-local, link-local and multicast. IPv4-mapped addresses are judged as the IPv4 address they carry.
static V6_REFUSED: LazyLock<Vec<Ipv6Net>> = LazyLock::new(|| {
    [
        "::/128",
        "::1/128",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "2002::/16",
        "3fff::/20",
        "fc00::/7",
        "fec0::/10",
        "fe80::/10",
        "ff00::/8",
    ]
    .iter()
    .filter_map(|n| n.parse().ok())
    .collect()
});

/// Whether a receiver may be at `ip`.
pub fn allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    match ip {
        IpAddr::V4(v4) => allowed_v4(v4, allow_loopback),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => allowed_v4(v4, allow_loopback),
            None if v6 == Ipv6Addr::LOCALHOST => allow_loopback,
            None => !V6_REFUSED.iter().any(|net| net.contains(&v6)),
        },
    }
}

fn allowed_v4(ip: Ipv4Addr, allow_loopback: bool) -> bool {
    if ip.is_loopback() {
        return allow_loopback;
    }
    ip != Ipv4Addr::BROADCAST && !V4_REFUSED.iter().any(|net| net.contains(&ip))
}

/// Why a URL is refused, as the field error's message says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// Checks a receiver's URL: its form, its scheme, and every address its host resolves to now.
pub async fn check_url(raw: &str, allow_loopback: bool) -> Result<Url, Refused> {
    let url = check_form(raw, allow_loopback)?;
    let addresses = resolve(&url).await?;
    if let Some(bad) = addresses.iter().find(|a| !allowed(a.ip(), allow_loopback)) {
        return Err(Refused(format!(
            "The address resolves to {}, which is not a public internet address; webhooks go only to public addresses",
            bad.ip()
        )));
    }
    Ok(url)
}

/// The URL's form and scheme, without resolving it.
pub fn check_form(raw: &str, allow_loopback: bool) -> Result<Url, Refused> {
    if raw.len() > MAX_URL_LENGTH {
        return Err(Refused(format!("The address must be at most {MAX_URL_LENGTH} characters")));
    }
    let url =
        Url::parse(raw.trim()).map_err(|_| Refused("Enter a full address such as https://example.com/hooks".into()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_loopback => {}
        _ => return Err(Refused("The address must start with https://".into())),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused("The address must not contain a user name or password".into()));
    }
    if url.host().is_none() {
        return Err(Refused("The address must name a host".into()));
    }
    Ok(url)
}

async fn resolve(url: &Url) -> Result<Vec<SocketAddr>, Refused> {
    let port = url.port_or_known_default().unwrap_or(443);
    match url.host() {
        Some(Host::Ipv4(ip)) => Ok(vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(Host::Ipv6(ip)) => Ok(vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(Host::Domain(name)) => {
            let lookup = tokio::net::lookup_host((name, port));
            let found = tokio::time::timeout(std::time::Duration::from_secs(3), lookup)
                .await
                .map_err(|_| Refused("The host name could not be resolved in time".into()))?
                .map_err(|_| Refused("The host name does not resolve".into()))?
                .collect::<Vec<_>>();
            if found.is_empty() {
                return Err(Refused("The host name does not resolve".into()));
            }
            Ok(found)
        }
        None => Err(Refused("The address must name a host".into())),
    }
}

/// The delivery client's resolver: resolves a host name and fails the connection when any address is not allowed,
/// so what reqwest connects to is what was checked (no second lookup a rebinding DNS server could answer otherwise).
#[derive(Debug, Clone, Copy)]
pub struct CheckedResolver {
    pub allow_loopback: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if found.is_empty() {
                return Err("the host name does not resolve".into());
            }
            if let Some(bad) = found.iter().find(|a| !allowed(a.ip(), allow_loopback)) {
                return Err(format!("refused: the host resolves to a non-public address ({})", bad.ip()).into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether a delivery may go to `url` as it stands (its literal address, when it has one; names are checked by the
/// resolver).
pub fn literal_allowed(url: &Url, allow_loopback: bool) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => allowed(IpAddr::V4(ip), allow_loopback),
        Some(Host::Ipv6(ip)) => allowed(IpAddr::V6(ip), allow_loopback),
        Some(Host::Domain(_)) => true,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(ip: &str) -> bool {
        allowed(ip.parse().unwrap(), false)
    }

    #[test]
    fn only_public_addresses_are_allowed() {
        for refused in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ] {
            assert!(!ok(refused), "{refused} must be refused");
        }
        for public in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "93.184.216.34"] {
            assert!(ok(public), "{public} is public");
        }
        assert!(allowed("127.0.0.1".parse().unwrap(), true));
        assert!(allowed("::1".parse().unwrap(), true));
        assert!(!allowed("10.0.0.1".parse().unwrap(), true), "loopback allowed is not private allowed");
    }

    #[test]
    fn only_https_unless_loopback_is_allowed() {
        assert!(check_form("http://example.com/x", false).is_err());
        assert!(check_form("https://example.com/x", false).is_ok());
        assert!(check_form("http://127.0.0.1:9/x", true).is_ok());
        assert!(check_form("ftp://example.com/x", true).is_err());
        assert!(check_form("https://user:pw@example.com/x", false).is_err());
        assert!(check_form("not a url", false).is_err());
        assert!(check_form(&format!("https://example.com/{}", "a".repeat(2000)), false).is_err());
    }
}
