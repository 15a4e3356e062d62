from __future__ import annotations

import pytest

from validator.check.imageref import ImageRef, ImageRefError, parse_image

OTC = "swr.eu-de.otc.t-systems.com"
HW = "swr.cn-north-4.myhuaweicloud.com"
HEX = "0123456789abcdef" * 4
SHA256 = f"sha256:{HEX}"
R = ImageRef

VALID = [
    # reference, then ImageRef(host, port, path, tag, digest)
    (
        f"{OTC}/ml-team/resnet50-serving:1.0.2",
        R(OTC, None, "ml-team/resnet50-serving", "1.0.2", None),
    ),
    (f"{HW}/org/repo@{SHA256}", R(HW, None, "org/repo", None, SHA256)),
    (f"{OTC}/team/img:1.0@{SHA256}", R(OTC, None, "team/img", "1.0", SHA256)),
    (f"{OTC}/team/img", R(OTC, None, "team/img", None, None)),
    (f"{OTC}:443/team/img:v2", R(OTC, 443, "team/img", "v2", None)),
    (
        "registry.example.com:5000/a/b/c/d:latest",
        R("registry.example.com", 5000, "a/b/c/d", "latest", None),
    ),
    ("localhost/img", R("localhost", None, "img", None, None)),
    ("localhost:5000/team/img:1", R("localhost", 5000, "team/img", "1", None)),
    ("myregistry:8080/team/img", R("myregistry", 8080, "team/img", None, None)),
    ("[::1]:5000/a/b:1", R("[::1]", 5000, "a/b", "1", None)),
    ("[2001:db8::1]/a", R("[2001:db8::1]", None, "a", None, None)),
    ("192.168.0.1:5000/a", R("192.168.0.1", 5000, "a", None, None)),
    ("SWR.EU-DE.example.COM/a", R("SWR.EU-DE.example.COM", None, "a", None, None)),
    ("nginx", R(None, None, "nginx", None, None)),
    ("nginx:1.25-alpine", R(None, None, "nginx", "1.25-alpine", None)),
    ("ml-team/img:1", R(None, None, "ml-team/img", "1", None)),
    ("library/ubuntu:22.04", R(None, None, "library/ubuntu", "22.04", None)),
    ("localhostx/img", R(None, None, "localhostx/img", None, None)),
    ("a.b:1.0", R(None, None, "a.b", "1.0", None)),
    ("a-b--c/x_y__z.w", R(None, None, "a-b--c/x_y__z.w", None, None)),
    ("img:_Tag.With-Mixed_Case", R(None, None, "img", "_Tag.With-Mixed_Case", None)),
    ("img:" + "t" * 128, R(None, None, "img", "t" * 128, None)),
    (f"img@sha384:{'a' * 96}", R(None, None, "img", None, f"sha384:{'a' * 96}")),
    (f"img@sha512:{'b' * 128}", R(None, None, "img", None, f"sha512:{'b' * 128}")),
    (f"{OTC}:0/a", R(OTC, 0, "a", None, None)),
    (f"{OTC}:65535/a", R(OTC, 65535, "a", None, None)),
]


@pytest.mark.parametrize(("reference", "expected"), VALID)
def test_valid(reference: str, expected: ImageRef) -> None:
    assert parse_image(reference) == expected


def test_name_and_organization() -> None:
    ref = parse_image(f"{OTC}:443/ml-team/sub/img:1")
    assert isinstance(ref, ImageRef)
    assert ref.name == f"{OTC}:443/ml-team/sub/img"
    assert ref.organization == "ml-team"
    hub = parse_image("nginx:1")
    assert isinstance(hub, ImageRef)
    assert (hub.name, hub.organization) == ("nginx", "nginx")


def test_name_at_the_length_limit_is_valid() -> None:
    path = "a/" + "b" * (255 - len(OTC) - 3)
    ref = parse_image(f"{OTC}/{path}:1")
    assert isinstance(ref, ImageRef)
    assert len(ref.name) == 255


LONG_PATH = "a" * (256 - len(OTC) - 1)

INVALID = [
    # reference, offset, distinctive part of the message, suggestion
    ("", 0, "empty", None),
    (" nginx:1", 0, "whitespace", "nginx:1"),
    ("nginx:1\n", 7, "whitespace (found '\\n')", "nginx:1"),
    (f"{OTC}/team/my img:1", len(OTC) + 8, "whitespace", None),
    (f"https://{OTC}/team/img:1", 0, "URL scheme: `https://`", f"{OTC}/team/img:1"),
    ("docker://nginx", 0, "URL scheme: `docker://`", "nginx"),
    (f"{OTC}/Team/img:1", 28, "must be lowercase: `Team`", f"{OTC}/team/img:1"),
    (f"{OTC}/team/ResNet:V1", 33, "must be lowercase: `ResNet`", f"{OTC}/team/resnet:V1"),
    ("Team/img", 0, "must be lowercase: `Team`", "team/img"),
    ("team/my-Img_2", 5, "must be lowercase: `my-Img_2`", "team/my-img_2"),
    ("-swr.example.com/a", 0, "must not start or end with `-`: `-swr`", None),
    ("swr.example-.com/a", 11, "must not start or end with `-`: `example-`", None),
    ("swr..example.com/a", 4, "empty component", None),
    (".swr.com/a", 0, "empty component", None),
    ("swr_x.example.com/a", 3, "invalid character `_` in registry host", None),
    (f"{OTC}:abc/a", len(OTC) + 1, "port must be a number: `abc`", None),
    (f"{OTC}:70000/a", len(OTC) + 1, "port 70000 is out of range", None),
    (f"{OTC}:/a", len(OTC), "needs a port", None),
    ("[::1/a", 0, "no closing `]`", None),
    ("[zz::1]/a", 1, "invalid IPv6 address: `zz::1`", None),
    ("[::1]x/a", 5, "followed by `:port` or `/`", None),
    ("[::1]:5000", 10, "must be followed by `/` and a repository path", None),
    (f"{OTC}/team//img:1", 33, "empty component (`//`)", f"{OTC}/team/img:1"),
    (f"{OTC}/team/img/", 36, "must not end with `/`", f"{OTC}/team/img"),
    ("/team/img", 0, "must not start with `/`", "team/img"),
    (f"{OTC}/", len(OTC) + 1, "has no repository path", None),
    (":1", 0, "has no repository path", None),
    ("a__-b", 1, "invalid separator `__-`", None),
    ("team/a..b", 6, "invalid separator `..`", None),
    ("a___b", 1, "invalid separator `___`", None),
    ("team/_img", 5, "must not start with `_`", None),
    ("team/img-", 8, "must not end with `-`", None),
    ("team/im!g", 7, "invalid character `!` in repository path", None),
    ("img:", 3, "`:` must be followed by a tag", "img"),
    (f"img:@{SHA256}", 3, "`:` must be followed by a tag", f"img@{SHA256}"),
    ("img:" + "t" * 130, 4, "tag is 130 characters long; the maximum is 128", None),
    ("img:1.0+cuda", 7, "invalid character `+` in tag", None),
    ("img:.hidden", 4, "tag must start with a letter, digit or `_`", None),
    ("img@", 3, "`@` must be followed by a digest", "img"),
    (f"img@md5:{HEX}", 4, "unknown digest algorithm `md5`", None),
    (f"img@SHA256:{HEX}", 4, "unknown digest algorithm `SHA256`", f"img@{SHA256}"),
    (f"img@sha256{HEX}", 4, "missing the `:`", f"img@{SHA256}"),
    (f"img@sha256:{HEX[:-1]}", 11, "sha256 digest needs 64 hex characters, got 63", None),
    (f"img@sha512:{HEX}", 11, "sha512 digest needs 128 hex characters, got 64", None),
    (f"img@sha256:{HEX[:10]}ABCDEF{HEX[16:]}", 21, "digest hex must be lowercase", f"img@{SHA256}"),
    (f"img@sha256:{HEX[:-1]}g", 74, "invalid character `g` in sha256 digest", None),
    (f"{OTC}/{LONG_PATH}:1", 0, "image name is 256 characters long; the maximum is 255", None),
    (f"{OTC}/{LONG_PATH}@{SHA256}", 0, "image name is 256 characters long", None),
]


@pytest.mark.parametrize(("reference", "offset", "message", "suggestion"), INVALID)
def test_invalid(reference: str, offset: int, message: str, suggestion: str | None) -> None:
    result = parse_image(reference)
    assert isinstance(result, ImageRefError), result
    assert (result.offset, result.suggestion) == (offset, suggestion), result
    assert message in result.message


@pytest.mark.parametrize("reference", [ref for ref, _, _, suggestion in INVALID if suggestion])
def test_suggestions_parse(reference: str) -> None:
    result = parse_image(reference)
    assert isinstance(result, ImageRefError)
    assert result.suggestion is not None
    assert isinstance(parse_image(result.suggestion), ImageRef)


def test_uppercase_with_another_defect_has_no_suggestion() -> None:
    result = parse_image("Team/img:bad+tag")
    assert result == ImageRefError(0, "repository path must be lowercase: `Team`", None)


def test_values_are_frozen() -> None:
    ref = parse_image("nginx")
    assert isinstance(ref, ImageRef)
    with pytest.raises(AttributeError):
        ref.tag = "1"  # type: ignore[misc]
