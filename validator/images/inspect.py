"""From a reference to `ImageFacts`: tag, manifest (through an index), then the image config.

Cold, an image costs one manifest GET per manifest (two through an index) and one config
GET; every answer by digest is cached for good, a tag's digest for the TTL.
"""

from __future__ import annotations

import hashlib
from typing import Any

from validator import jsontext
from validator.check.imageref import TAG
from validator.diagnostics import suggest
from validator.images import PLATFORMS
from validator.images.cache import ImageCache
from validator.images.client import CheckFailed, RegistryClient, error_code
from validator.images.facts import ImageFacts
from validator.images.manifest import ACCEPT, DIGEST, summarize, summarize_config


class Inspector:
    def __init__(self, client: RegistryClient, cache: ImageCache) -> None:
        self._client = client
        self._cache = cache

    def facts(self, host: str, repo: str, tag: str | None, digest: str | None) -> ImageFacts:
        try:
            return self._facts(host, repo, tag, digest)
        except CheckFailed as failed:
            return ImageFacts(problem=str(failed))

    def _facts(self, host: str, repo: str, tag: str | None, digest: str | None) -> ImageFacts:
        name = f"{host}/{repo}"
        tag_digests: tuple[str, ...] = ()
        tag_digest = None
        if tag is not None or digest is None:
            tagged = self._tag(host, repo, tag or "latest")
            if tagged.get("digest") is None:
                return ImageFacts(missing=str(tagged.get("missing")), hint=tagged.get("hint"))
            tag_digest = str(tagged["digest"])
            tagged_manifest = self._manifest(host, repo, tag_digest)
            children = [c[0] for c in (tagged_manifest or {}).get("index", [])]
            tag_digests = (tag_digest, *children)
        wanted = digest or tag_digest
        assert wanted is not None
        manifest = self._manifest(host, repo, wanted)
        if manifest is None:
            if tag_digest is None:
                return ImageFacts(missing=f"digest {wanted} does not exist in {name}")
            return ImageFacts(tag_digest=tag_digest, tag_digests=tag_digests, pinned_exists=False)
        platforms: tuple[str, ...] = ()
        if "index" in manifest:
            offered = {str(platform): str(child) for child, platform in manifest["index"]}
            platforms = tuple(offered)
            chosen = next((p for p in PLATFORMS if p in offered), None)
            if chosen is None:
                return ImageFacts(
                    tag_digest=tag_digest, tag_digests=tag_digests, platforms=platforms
                )
            manifest = self._manifest(host, repo, offered[chosen])
            if manifest is None or "index" in manifest:
                raise CheckFailed(f"{name}: the {chosen} manifest of the index is missing")
        config = self._config(host, repo, str(manifest["config"]))
        platform = str(config["platform"])
        return ImageFacts(
            tag_digest=tag_digest,
            tag_digests=tag_digests,
            platforms=platforms or (platform,),
            platform=platform if platform in PLATFORMS else None,
            size=int(manifest["size"]),
            ports=tuple(config["ports"]),
            command=tuple(config["command"]),
        )

    def _tag(self, host: str, repo: str, tag: str) -> dict[str, Any]:
        """`{"digest": d}` or `{"digest": None, "missing": why, "hint": h}`, kept for the TTL."""
        key = f"tag:{host}/{repo}:{tag}"
        cached = self._cache.fresh(key)
        if cached is not None and _tag_ok(cached):
            return cached
        reply = self._client.get(host, repo, f"manifests/{tag}", ACCEPT)
        if reply.status == 404:
            entry = self._missing(host, repo, tag)
        elif reply.status == 200:
            digest = reply.headers.get("docker-content-digest") or _sha256(reply.body)
            if not _is_digest(digest):
                raise CheckFailed(f"{host} sent an invalid digest for {repo}:{tag}")
            self._remember(host, repo, digest, reply.headers, reply.body)
            entry = {"digest": digest}
        else:
            raise CheckFailed(f"{host} answered {reply.status} for {repo}:{tag}")
        self._cache.put_fresh(key, entry)
        return entry

    def _missing(self, host: str, repo: str, tag: str) -> dict[str, Any]:
        """Why the tag was not found: no such repository, or no such tag in it (and the nearest)."""
        reply = self._client.get(host, repo, "tags/list")
        code = error_code(reply.body)
        if reply.status == 404 or code == "NAME_UNKNOWN":
            return {"digest": None, "missing": f"repository {repo} does not exist on {host}"}
        tags: list[str] = []
        try:
            listed = jsontext.loads(reply.body).get("tags") if reply.status == 200 else None
            # only well-formed tags: a hint never repeats other text the server chose
            tags = [t for t in listed or () if isinstance(t, str) and TAG.fullmatch(t)]
        except (ValueError, AttributeError):
            pass
        hint = suggest(tag, tags)
        return {
            "digest": None,
            "missing": f"tag `{tag}` does not exist in {host}/{repo}",
            "hint": hint,
        }

    def _manifest(self, host: str, repo: str, digest: str) -> dict[str, Any] | None:
        """The manifest summary by digest (cached for good), or None when it does not exist."""
        key = f"manifest:{host}/{repo}@{digest}"
        cached = self._cache.lasting(key)
        if cached is not None and _summary_ok(cached):
            return cached
        if self._cache.fresh(f"missing:{host}/{repo}@{digest}") is not None:
            return None
        reply = self._client.get(host, repo, f"manifests/{digest}", ACCEPT)
        if reply.status == 404:
            self._cache.put_fresh(f"missing:{host}/{repo}@{digest}", {})
            return None
        if reply.status != 200:
            raise CheckFailed(f"{host} answered {reply.status} for {repo}@{digest}")
        if _hash(digest, reply.body) != digest:
            raise CheckFailed(f"{host} sent a manifest that does not match its digest {digest}")
        return self._remember(host, repo, digest, reply.headers, reply.body)

    def _remember(
        self, host: str, repo: str, digest: str, headers: Any, body: bytes
    ) -> dict[str, Any]:
        summary = summarize(body, headers.get("content-type", ""), f"{host}/{repo}@{digest}")
        self._cache.put_lasting(f"manifest:{host}/{repo}@{digest}", summary)
        return summary

    def _config(self, host: str, repo: str, digest: str) -> dict[str, Any]:
        key = f"config:{host}/{repo}@{digest}"
        cached = self._cache.lasting(key)
        if cached is not None and _config_ok(cached):
            return cached
        reply = self._client.get(host, repo, f"blobs/{digest}")
        if reply.status != 200:
            raise CheckFailed(f"{host} answered {reply.status} for the config blob of {repo}")
        if _hash(digest, reply.body) != digest:
            raise CheckFailed(f"{host} sent an image config that does not match its digest")
        summary = summarize_config(reply.body, f"{host}/{repo}")
        self._cache.put_lasting(key, summary)
        return summary


def _sha256(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _hash(digest: str, body: bytes) -> str:
    algorithm = digest.split(":", 1)[0]
    return f"{algorithm}:{hashlib.new(algorithm, body).hexdigest()}"


def _tag_ok(entry: dict[str, Any]) -> bool:
    digest, missing, hint = entry.get("digest"), entry.get("missing"), entry.get("hint")
    if isinstance(digest, str):
        return DIGEST.fullmatch(digest) is not None
    return digest is None and isinstance(missing, str) and isinstance(hint, (str, type(None)))


def _summary_ok(entry: dict[str, Any]) -> bool:
    if "index" in entry:
        index = entry["index"]
        return isinstance(index, list) and all(
            isinstance(c, list) and len(c) == 2 and _is_digest(c[0]) and isinstance(c[1], str)
            for c in index
        )
    size = entry.get("size")
    return _is_digest(entry.get("config")) and isinstance(size, int) and size >= 0


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and DIGEST.fullmatch(value) is not None


def _config_ok(entry: dict[str, Any]) -> bool:
    return (
        isinstance(entry.get("platform"), str)
        and isinstance(entry.get("ports"), list)
        and isinstance(entry.get("command"), list)
    )
