"""ECR: immutable tags, and images scanned on push (repository setting or a registry scanning rule)."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from audit.model import AuditContext, Result, Status, evaluate, paginate

RULES = ("ecr-repository-immutable-tags", "ecr-repository-scan-on-push")
SCANNING_FREQUENCIES = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")


def run(ctx: AuditContext) -> Iterator[Result]:
    ecr = ctx.client("ecr")
    repositories = paginate(ecr, "describe_repositories", "repositories")
    if not repositories:
        return
    # Registry scanning rules (enhanced scanning = Inspector) replace the per-repository flag.
    registry: dict[str, Any] = {}
    registry_probe = evaluate(RULES[1], "registry", lambda: _load_registry(ecr, registry))
    for repository in repositories:
        arn = repository["repositoryArn"]
        yield evaluate(RULES[0], arn, _immutable, repository)
        if registry_probe.status is Status.NOT_EVALUATED and not _repository_scan(repository):
            yield Result(RULES[1], arn, Status.NOT_EVALUATED, registry_probe.detail)
        else:
            yield evaluate(RULES[1], arn, _scanned, repository, registry)


def _load_registry(ecr: Any, into: dict[str, Any]) -> tuple[bool, str]:
    into.update(ecr.get_registry_scanning_configuration().get("scanningConfiguration") or {})
    return True, ""


def _immutable(repository: dict[str, Any]) -> tuple[bool, str]:
    mutability = repository.get("imageTagMutability", "MUTABLE")
    return (mutability == "IMMUTABLE", f"image tags {mutability}")


def _repository_scan(repository: dict[str, Any]) -> bool:
    return bool((repository.get("imageScanningConfiguration") or {}).get("scanOnPush"))


def _scanned(repository: dict[str, Any], registry: dict[str, Any]) -> tuple[bool, str]:
    name = repository["repositoryName"]
    for rule in registry.get("rules") or []:
        if rule.get("scanFrequency") not in SCANNING_FREQUENCIES:
            continue
        for repo_filter in rule.get("repositoryFilters") or []:
            if fnmatchcase(name, repo_filter.get("filter", "")):
                return True, f"registry {registry.get('scanType', '')} scanning rule {rule['scanFrequency']}".strip()
    if _repository_scan(repository):
        return True, "scan on push set on the repository"
    return False, "images are not scanned on push (no repository setting, no registry rule covers it)"
