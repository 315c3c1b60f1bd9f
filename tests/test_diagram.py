"""The architecture diagram is drawn from the program: the committed model beside each PNG must be the
one the current program yields (regenerate with `make diagrams`), and resources land where they run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from offline import diagram
from offline.mocks import StackRecording

DOCS = Path(__file__).resolve().parent.parent / "docs"


def node_of(model: diagram.Model, resource_type: str, owner_fragment: str = "") -> diagram.Node:
    matches = [n for n in model.nodes if n.kind == resource_type and owner_fragment in n.id]
    assert matches, f"no {resource_type} node ({owner_fragment})"
    return matches[0]


def changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What moved, in a line: nodes and arrows added or removed."""
    parts = []
    for what, key in (("nodes", lambda m: {(n["id"], n["count"]) for n in m["nodes"]}), ("arrows", edges_of)):
        before, after = key(old), key(new)
        if after - before or before - after:
            parts.append(f"{what} +{sorted(after - before)[:3]} -{sorted(before - after)[:3]}")
    return "; ".join(parts) or "clusters or labels changed"


def edges_of(model: dict[str, Any]) -> set[tuple[str, ...]]:
    return {tuple(e) for e in model["edges"]}


def test_committed_diagram_model_is_regenerated_from_the_current_program(stack: StackRecording) -> None:
    committed = DOCS / f"architecture-{stack.stack}.json"
    assert committed.exists(), f"{committed.name} missing: run `make diagrams`"
    current = diagram.build_model(stack).manifest()
    assert json.loads(committed.read_text()) == current, (
        f"docs/architecture-{stack.stack}.* is stale ({changes(json.loads(committed.read_text()), current)}): "
        "run `make diagrams` and commit the PNG and JSON"
    )
    assert (DOCS / f"architecture-{stack.stack}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_diagram_draws_accounts_with_the_vpc_tiers_inside_the_environment_account(prod: StackRecording) -> None:
    model = diagram.build_model(prod)
    labels = {info["label"] for info in model.clusters.values()}
    assert "environment account 333333333333 (prod, ap-northeast-1)" in labels
    assert "logging account 444444444444" in labels
    env = "environment:333333333333"
    for tier in ("public", "private", "isolated"):
        assert model.clusters[f"{env}/{tier}"]["parent"] == f"{env}/vpc"
    assert model.clusters[f"{env}/vpc"]["parent"] == env


def test_diagram_places_each_resource_in_the_tier_it_runs_in(prod: StackRecording) -> None:
    model = diagram.build_model(prod)
    env = "environment:333333333333"
    assert node_of(model, "aws:ec2/natGateway:NatGateway").cluster == f"{env}/public"
    assert node_of(model, "aws:ec2/natGateway:NatGateway").label.startswith("NAT gateway x3")
    assert node_of(model, "aws:ec2/vpcEndpoint:VpcEndpoint").cluster == f"{env}/private"
    if prod.of_type("aws:rds/cluster:Cluster"):
        assert node_of(model, "aws:rds/cluster:Cluster").cluster == f"{env}/isolated"
    if prod.of_type("aws:cloudfront/distribution:Distribution"):
        assert node_of(model, "aws:cloudfront/distribution:Distribution").cluster == f"{env}/edge"
    if prod.of_type("aws:ecs/service:Service"):
        assert node_of(model, "aws:ecs/service:Service").cluster == f"{env}/private"
    logging_buckets = [n for n in model.nodes if n.cluster == "logging:444444444444"]
    assert logging_buckets and all(n.kind for n in logging_buckets)


def test_diagram_arrows_follow_the_program_dependencies(prod: StackRecording) -> None:
    model = diagram.build_model(prod)
    ids = {n.id for n in model.nodes}
    assert model.edges and all(a in ids and b in ids and a != b for a, b in model.edges)
    nat = node_of(model, "aws:ec2/natGateway:NatGateway").id
    igw = node_of(model, "aws:ec2/internetGateway:InternetGateway").id
    assert (nat, igw) in model.edges  # a NAT gateway depends on the internet gateway
    keys = {n.id for n in model.nodes if n.kind == "aws:kms/key:Key"}
    assert not [e for e in model.edges if e[1] in keys]  # everything uses keys: no arrows into them


def test_every_icon_in_the_type_table_exists_in_the_diagrams_package() -> None:
    for kind in diagram.KINDS.values():
        assert diagram._icon_class(kind.icon) is not None


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz missing: `make setup` installs it")
def test_diagram_command_writes_a_png_and_its_model(dev: StackRecording, tmp_path: Path) -> None:
    manifest, image = diagram.write(dev, tmp_path)
    assert image is not None and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.stat().st_size > 50_000
    assert json.loads(manifest.read_text())["stack"] == "dev"
