"""The rollback check: never sync from a commit older than the branch tip.

Re-running an old merge's sync job would delete the versions added since and re-create
them later under new model ids. So `sync` and `plan --prune` refuse when the upstream
has commits that change the models folder and HEAD does not have them. The upstream is
`sync.branch` when configured, else `origin/$GITHUB_REF_NAME` under GitHub Actions or
`origin/$CI_COMMIT_BRANCH` under GitLab CI (both check out a detached HEAD), else the
branch's `@{upstream}`. Without upstream information (no remote branch, not fetched,
detached HEAD outside CI) the check is skipped: it cannot know.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from validator.errors import Exit, UserError


def upstream_ref(repo: Any, env: Mapping[str, str], branch: str | None) -> str | None:
    """The ref to compare with, or None when there is none to be had."""
    if branch:
        return branch
    if env.get("GITHUB_ACTIONS") == "true" and env.get("GITHUB_REF_NAME"):
        return f"origin/{env['GITHUB_REF_NAME']}"
    if env.get("GITLAB_CI") == "true" and env.get("CI_COMMIT_BRANCH"):
        return f"origin/{env['CI_COMMIT_BRANCH']}"
    try:
        tracking = repo.active_branch.tracking_branch()
    except (TypeError, ValueError):  # detached HEAD, or no commit yet
        return None
    return str(tracking.name) if tracking is not None else None


def newer_commits(root: Path, models_dir: str, env: Mapping[str, str], branch: str | None) -> str:
    """Why syncing HEAD would roll the registry back, or "" when it would not (or cannot tell)."""
    try:
        import git
    except ImportError:
        return ""
    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return ""
    try:
        ref = upstream_ref(repo, env, branch)
        if ref is None:
            return ""
        try:
            repo.commit(ref)
            ahead = repo.git.rev_list(f"HEAD..{ref}", "--", models_dir).split()
        except (git.BadName, ValueError, git.GitCommandError):
            if branch:  # configured explicitly: not finding it is a mistake to report
                raise UserError(
                    f"sync.branch `{branch}` is not in this clone; fetch it first"
                ) from None
            return ""
        if not ahead:
            return ""
        newest = ahead[0][:12]
        many = "s" if len(ahead) > 1 else ""
        return (
            f"{ref} has {len(ahead)} newer commit{many} changing {models_dir}/ (newest {newest})"
            " that HEAD lacks; syncing this checkout would roll the registry back. Sync from"
            f" {ref}, or pass --allow-rollback (prefer `git revert` to undo a change)"
        )
    finally:
        repo.close()


def refuse_rollback(
    root: Path, models_dir: str, env: Mapping[str, str], branch: str | None
) -> None:
    reason = newer_commits(root, models_dir, env, branch)
    if reason:
        raise UserError(reason, Exit.FINDINGS)
