"""Who is calling: bearer tokens verified against an OpenID Connect issuer (or the development issuer of
embedded mode), turned into a ``Principal`` with roles. See docs/identity.md."""
