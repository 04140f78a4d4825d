"""The development issuer of embedded mode: one private key in the data directory, readable by its owner
only, kept across restarts under a kid that is its RFC 7638 thumbprint; and the caller a token makes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from backbone.identity.claims import principal_from_claims
from backbone.identity.dev_issuer import DevelopmentIssuer
from backbone.identity.errors import InvalidToken, MissingRole
from backbone.identity.principal import Principal, Role
from backbone.identity.thumbprint import jwk_thumbprint


def test_the_key_is_created_once_owner_only_and_a_restart_verifies_earlier_tokens(tmp_path: Path) -> None:
    first = DevelopmentIssuer(tmp_path)
    token = first.issue("dora", [Role.OPERATIONS])
    key_file = tmp_path / "identity" / "dev-issuer-key.pem"

    restarted = DevelopmentIssuer(tmp_path)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert list(key_file.parent.iterdir()) == [key_file]
    assert restarted.kid == first.kid
    assert restarted.verifier().verify(token).holds(Role.OPERATIONS)


def test_another_data_directory_is_another_issuer_key(tmp_path: Path) -> None:
    assert DevelopmentIssuer(tmp_path / "a").kid != DevelopmentIssuer(tmp_path / "b").kid


def test_a_key_file_of_another_kind_is_refused_not_replaced(tmp_path: Path) -> None:
    key_file = tmp_path / "identity" / "dev-issuer-key.pem"
    key_file.parent.mkdir()
    key_file.write_text("not a key")

    with pytest.raises(ValueError):
        DevelopmentIssuer(tmp_path)
    assert key_file.read_text() == "not a key"


def test_the_kid_is_the_rfc_7638_thumbprint_as_rfc_8037_computes_it() -> None:
    rfc_8037_key = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert (
        jwk_thumbprint(rfc_8037_key | {"kid": "ignored"}) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    )


def test_a_service_account_is_named_by_its_client() -> None:
    caller = principal_from_claims(
        {
            "sub": "5d1c",
            "azp": "tower-relay",
            "client_id": "tower-relay",
            "preferred_username": "service-account-tower-relay",
            "realm_access": {"roles": ["operations", "offline_access"]},
        }
    )

    assert caller == Principal(
        "5d1c", "tower-relay", frozenset({"operations", "offline_access"}), "tower-relay", True
    )


def test_a_token_without_realm_roles_gives_a_caller_with_none() -> None:
    caller = principal_from_claims({"sub": "5d1c", "preferred_username": "eva"})
    assert caller.roles == frozenset() and caller.client_id is None and caller.username == "eva"


def test_realm_roles_that_are_not_a_list_of_names_are_refused() -> None:
    with pytest.raises(InvalidToken, match=r"realm_access\.roles"):
        principal_from_claims({"sub": "5d1c", "realm_access": {"roles": "auditor"}})


def test_a_caller_without_any_of_the_roles_needed_is_told_which_roles_those_are() -> None:
    caller = Principal("5d1c", "eva", frozenset({"auditor"}))

    caller.require_any(Role.AUDITOR, Role.PRIVACY_OFFICER)
    with pytest.raises(MissingRole, match="needs one of the roles decision-officer, planner") as refused:
        caller.require_any(Role.PLANNER, Role.DECISION_OFFICER)
    assert refused.value.required == ("decision-officer", "planner")
