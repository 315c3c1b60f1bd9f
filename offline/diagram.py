"""Draw a stack's architecture from the program itself: ``python -m offline diagram --stack prod``.

The program runs exactly as for the offline preview (``offline.runner.run_program``); every recorded
resource of a drawable type becomes a node with its AWS icon, placed by account (environment,
logging, management), then by tier: edge (CloudFront, us-east-1), the VPC's public / private /
isolated subnets, services, notification delivery, data, security and operations. Resources of one
type under one component collapse into one node ("VPC endpoint x9"). Arrows follow the program's
own dependencies (a resource that references another points at it).

Writes ``docs/architecture-<stack>.png`` (Graphviz via the ``diagrams`` package) and, beside it,
``docs/architecture-<stack>.json``: the model the picture was drawn from. PNG bytes are not stable
across Graphviz builds; the JSON is, and tests/test_diagram.py checks it matches the current program.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline.mocks import RecordedResource, StackRecording
from offline.runner import PROJECT_DIR, STACKS, ProgramError, run_program

DOCS_DIR = PROJECT_DIR / "docs"
CLOUDFRONT_REGION = "us-east-1"


@dataclass(frozen=True)
class Kind:
    label: str
    icon: str  # "<diagrams.aws module>.<Class>"
    tier: str  # see TIERS
    edge_target: bool = True  # False: everything points at it (keys, log groups); arrows would be noise
    # True: one node per account tier ("KMS key x8") instead of one per owning component.
    collapse: bool = False
    # Only arrows to these types (alarms watch everything; the arrow that matters is alarm -> topic).
    arrows_only_to: tuple[str, ...] | None = None


# Tiers of the environment account, in drawing order: (id, label, parent tier or "").
TIERS: tuple[tuple[str, str, str], ...] = (
    ("edge", "edge (global, us-east-1)", ""),
    ("vpc", "VPC (3 AZs)", ""),
    ("public", "public subnets", "vpc"),
    ("private", "private subnets", "vpc"),
    ("isolated", "isolated subnets", "vpc"),
    ("services", "services", ""),
    ("delivery", "notification delivery", ""),
    ("data", "data", ""),
    ("security", "security and operations", ""),
)

SNS_TOPIC = "aws:sns/topic:Topic"
KINDS: dict[str, Kind] = {
    # edge
    "aws:cloudfront/distribution:Distribution": Kind("CloudFront", "network.CloudFront", "edge"),
    "aws:wafv2/webAcl:WebAcl": Kind("WAF web ACL", "security.WAF", "public"),  # CLOUDFRONT scope: edge
    "aws:acm/certificate:Certificate": Kind("ACM certificate", "security.CertificateManager", "edge", False, True),
    "aws:route53/record:Record": Kind("Route 53 record", "network.Route53", "edge", collapse=True),
    "aws:route53/zone:Zone": Kind("Route 53 zone", "network.Route53", "edge"),
    # network
    "aws:ec2/vpc:Vpc": Kind("VPC", "network.VPC", "vpc", False, True),
    "aws:ec2/internetGateway:InternetGateway": Kind("internet gateway", "network.InternetGateway", "public"),
    "aws:ec2/natGateway:NatGateway": Kind("NAT gateway", "network.NATGateway", "public"),
    "aws:lb/loadBalancer:LoadBalancer": Kind("ALB", "network.ElbApplicationLoadBalancer", "public"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": Kind("VPC endpoint", "network.Endpoint", "private"),
    "aws:ec2/flowLog:FlowLog": Kind("VPC flow logs", "network.VPCFlowLogs", "vpc"),
    "aws:ec2/networkAcl:NetworkAcl": Kind("network ACL", "network.Nacl", "vpc", False, True),
    # services
    "aws:ecs/cluster:Cluster": Kind("ECS cluster", "compute.ECS", "services"),
    "aws:ecs/service:Service": Kind("ECS service", "compute.ElasticContainerServiceService", "private"),
    "aws:ecr/repository:Repository": Kind("ECR repository", "compute.ECR", "services"),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": Kind(
        "Service Connect namespace", "network.CloudMap", "services"
    ),
    "aws:appautoscaling/policy:Policy": Kind("auto scaling", "management.AutoScaling", "services", False, True),
    # delivery
    "aws:lambda/function:Function": Kind("Lambda", "compute.Lambda", "delivery"),
    "aws:sfn/stateMachine:StateMachine": Kind("Step Functions", "integration.StepFunctions", "delivery"),
    "aws:sqs/queue:Queue": Kind("SQS queue", "integration.SQS", "delivery"),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": Kind(
        "Data Firehose", "analytics.KinesisDataFirehose", "delivery"
    ),
    "aws:pinpoint/app:App": Kind("Pinpoint", "engagement.Pinpoint", "delivery"),
    "aws:sesv2/emailIdentity:EmailIdentity": Kind("SES identity", "engagement.SimpleEmailServiceSes", "delivery"),
    "aws:cloudwatch/eventRule:EventRule": Kind(
        "EventBridge rule", "integration.Eventbridge", "delivery", collapse=True
    ),
    "aws:scheduler/schedule:Schedule": Kind("EventBridge schedule", "integration.Eventbridge", "delivery"),
    "aws:apigateway/restApi:RestApi": Kind("API Gateway", "network.APIGateway", "delivery"),
    # data
    "aws:rds/cluster:Cluster": Kind("Aurora PostgreSQL", "database.Aurora", "isolated"),
    "aws:rds/clusterInstance:ClusterInstance": Kind("Aurora instance", "database.AuroraInstance", "isolated"),
    "aws:rds/proxy:Proxy": Kind("RDS Proxy", "database.RDS", "private"),
    "aws:s3/bucket:Bucket": Kind("S3 bucket", "storage.SimpleStorageServiceS3Bucket", "data"),
    "aws:s3/bucketV2:BucketV2": Kind("S3 bucket", "storage.SimpleStorageServiceS3Bucket", "data"),
    "aws:dynamodb/table:Table": Kind("DynamoDB table", "database.Dynamodb", "data"),
    "aws:secretsmanager/secret:Secret": Kind("Secrets Manager", "security.SecretsManager", "data", False, True),
    "aws:ssm/parameter:Parameter": Kind(
        "SSM parameter", "management.SystemsManagerParameterStore", "data", False, True
    ),
    "aws:backup/vault:Vault": Kind("Backup vault", "storage.Backup", "data"),
    "aws:backup/plan:Plan": Kind("Backup plan", "storage.Backup", "data"),
    # security and operations
    "aws:kms/key:Key": Kind("KMS key", "security.KMS", "security", False, True),
    "aws:cloudtrail/trail:Trail": Kind("CloudTrail", "management.Cloudtrail", "security"),
    "aws:guardduty/detector:Detector": Kind("GuardDuty", "security.Guardduty", "security"),
    "aws:securityhub/account:Account": Kind("Security Hub", "security.SecurityHub", "security"),
    "aws:cfg/recorder:Recorder": Kind("AWS Config", "management.Config", "security"),
    "aws:cloudwatch/logGroup:LogGroup": Kind("log group", "management.CloudwatchLogs", "security", False, True),
    "aws:cloudwatch/metricAlarm:MetricAlarm": Kind(
        "CloudWatch alarm", "management.CloudwatchAlarm", "security", collapse=True, arrows_only_to=(SNS_TOPIC,)
    ),
    "aws:cloudwatch/dashboard:Dashboard": Kind("CloudWatch dashboard", "management.Cloudwatch", "security"),
    "aws:sns/topic:Topic": Kind("SNS topic", "integration.SimpleNotificationServiceSnsTopic", "security"),
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": Kind(
        "Chatbot (Slack)", "management.Chatbot", "security"
    ),
    "aws:ssoadmin/permissionSet:PermissionSet": Kind(
        "Identity Center permission set", "security.SingleSignOn", "security"
    ),
}

# A node standing for the people reaching the edge; drawn when the program has something public.
INTERNET = "internet"
INTERNET_TARGETS = ("aws:cloudfront/distribution:Distribution", "aws:lb/loadBalancer:LoadBalancer")


@dataclass
class Node:
    id: str
    kind: str  # the resource type token
    label: str
    cluster: str
    icon: str
    urns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Model:
    stack: str
    clusters: dict[str, dict[str, str]]  # id -> {"label", "parent"}
    nodes: list[Node]
    edges: list[tuple[str, str]]

    def manifest(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "clusters": self.clusters,
            "nodes": [
                {"id": n.id, "type": n.kind, "label": n.label, "cluster": n.cluster, "count": len(n.urns)}
                for n in self.nodes
            ],
            "edges": [list(e) for e in self.edges],
        }


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _account_roles(recording: StackRecording) -> dict[str, str]:
    """account ID -> role of its provider in the program ("environment", "logging", "management")."""
    roles: dict[str, str] = {}
    for provider in recording.resources:
        if not provider.is_provider:
            continue
        allowed = provider.inputs.get("allowedAccountIds") or []
        if isinstance(allowed, str):
            allowed = json.loads(allowed)
        for account in allowed:
            roles.setdefault(str(account), provider.name)
    return roles


def _tier(resource: RecordedResource, kind: Kind) -> str:
    if resource.region == CLOUDFRONT_REGION or resource.inputs.get("scope") == "CLOUDFRONT":
        return "edge"
    if resource.type == "aws:lambda/function:Function" and (resource.inputs.get("vpcConfig") or {}).get("subnetIds"):
        return "private"
    return kind.tier


def build_model(recording: StackRecording) -> Model:
    roles = _account_roles(recording)
    clusters: dict[str, dict[str, str]] = {}
    groups: dict[tuple[str, str, str], Node] = {}
    node_of: dict[str, str] = {}

    def account_cluster(account: str) -> str:
        role = roles.get(account, "account")
        cluster = f"{role}:{account}"
        if cluster not in clusters:
            label = f"{role} account {account}"
            if role == "environment":
                label += f" ({recording.stack}, ap-northeast-1)"
            clusters[cluster] = {"label": label, "parent": ""}
        return cluster

    def tier_cluster(account_cluster_id: str, tier: str) -> str:
        chain = []
        current = tier
        while current:
            chain.append(current)
            current = next(parent for tid, _, parent in TIERS if tid == current)
        parent = account_cluster_id
        for tid in reversed(chain):
            cid = f"{account_cluster_id}/{tid}"
            if cid not in clusters:
                clusters[cid] = {"label": next(lbl for t, lbl, _ in TIERS if t == tid), "parent": parent}
            parent = cid
        return parent

    for resource in recording.resources:
        kind = KINDS.get(resource.type)
        if kind is None or not resource.custom:
            continue
        account = account_cluster(resource.account)
        # Tiers structure the environment account; the others are small enough to draw flat.
        cluster = tier_cluster(account, _tier(resource, kind)) if account.startswith("environment:") else account
        owner = "all" if kind.collapse else (_name(resource.parent) if resource.parent else recording.stack)
        key = (cluster, resource.type, owner)
        if key not in groups:
            groups[key] = Node(
                id=f"{cluster}/{owner}/{kind.label}".replace(" ", "-").lower(),
                kind=resource.type,
                label=kind.label,
                cluster=cluster,
                icon=kind.icon,
            )
        groups[key].urns.append(resource.urn)
        node_of[resource.urn] = groups[key].id

    nodes = sorted(groups.values(), key=lambda n: n.id)
    for node in nodes:
        owner = node.id.rsplit("/", 2)[-2]
        count = f" x{len(node.urns)}" if len(node.urns) > 1 else ""
        node.label = f"{node.label}{count}" + ("" if owner == "all" else f"\n{owner}")

    by_urn = {r.urn: r for r in recording.resources}
    edges: set[tuple[str, str]] = set()
    for urn, source in node_of.items():
        resource = by_urn[urn]
        deps: Iterable[str] = {
            *resource.dependencies,
            *(u for us in resource.property_dependencies.values() for u in us),
        }
        for dep in deps:
            target = node_of.get(dep)
            if target is None or target == source:
                continue
            if not KINDS[by_urn[dep].type].edge_target:
                continue
            allowed = KINDS[resource.type].arrows_only_to
            if allowed is not None and by_urn[dep].type not in allowed:
                continue
            edges.add((source, target))
    public = sorted({node_of[r.urn] for r in recording.resources if r.type in INTERNET_TARGETS and r.urn in node_of})
    if public:
        nodes.insert(0, Node(id=INTERNET, kind="", label="residents, municipal staff\n(internet)", cluster="", icon=""))
        edges.update((INTERNET, target) for target in public)
    return Model(stack=recording.stack, clusters=dict(sorted(clusters.items())), nodes=nodes, edges=sorted(edges))


# -- rendering (Graphviz through the `diagrams` package) -------------------------------------------
def _icon_class(icon: str) -> Any:
    module, cls = icon.rsplit(".", 1)
    return getattr(importlib.import_module(f"diagrams.aws.{module}"), cls)


def render(model: Model, out_png: Path) -> Path:
    """Draw ``model`` to ``out_png`` (needs Graphviz's ``dot`` on PATH)."""
    from diagrams import Cluster, Diagram, Edge  # imported here: the rest of offline/ needs no Graphviz
    from diagrams.onprem.client import Users

    out_png.parent.mkdir(parents=True, exist_ok=True)
    children: dict[str, list[str]] = defaultdict(list)
    for cid, info in model.clusters.items():
        children[info["parent"]].append(cid)
    nodes_in: dict[str, list[Node]] = defaultdict(list)
    for node in model.nodes:
        nodes_in[node.cluster].append(node)
    drawn: dict[str, Any] = {}

    def draw(cluster_id: str) -> None:
        for node in nodes_in.get(cluster_id, []):
            if node.id == INTERNET:
                drawn[node.id] = Users(node.label)
            else:
                drawn[node.id] = _icon_class(node.icon)(node.label)
        for child in sorted(children.get(cluster_id, [])):
            with Cluster(model.clusters[child]["label"]):
                draw(child)

    graph_attr = {"fontsize": "20", "pad": "0.4", "splines": "spline", "nodesep": "0.7", "ranksep": "0.9"}
    with Diagram(
        f"SmartPOST {model.stack}",
        filename=str(out_png.with_suffix("")),
        outformat="png",
        show=False,
        direction="TB",
        graph_attr=graph_attr,
    ):
        draw("")
        for source, target in model.edges:
            drawn[source] >> Edge(color="#5b6770") >> drawn[target]
    return out_png


def write(recording: StackRecording, docs_dir: Path = DOCS_DIR, png: bool = True) -> tuple[Path, Path | None]:
    model = build_model(recording)
    manifest = docs_dir / f"architecture-{recording.stack}.json"
    docs_dir.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(model.manifest(), indent=2, ensure_ascii=False) + "\n")
    image = render(model, docs_dir / f"architecture-{recording.stack}.png") if png else None
    return manifest, image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline diagram", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", required=True, choices=STACKS)
    parser.add_argument("--out", metavar="DIR", default=str(DOCS_DIR), help="output folder (default docs/)")
    parser.add_argument("--no-png", action="store_true", help="only the JSON model (no Graphviz needed)")
    args = parser.parse_args(argv)
    try:
        recording = run_program(args.stack)
    except ProgramError as err:
        print(f"error: stack {args.stack}: {err.message}", file=sys.stderr)
        return 2
    manifest, image = write(recording, Path(args.out), png=not args.no_png)
    model = json.loads(manifest.read_text())
    print(
        f"{args.stack}: {len(model['nodes'])} nodes, {len(model['edges'])} arrows from "
        f"{len(recording.resources)} resources -> {image or manifest}"
    )
    return 0
