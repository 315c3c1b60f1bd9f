"""The one mocks implementation shared by the unit tests and the offline preview.

Pulumi's mock monitor hands every resource registration to ``SmartpostMocks.new_resource``; we answer
with the outputs AWS would compute (IDs, ARNs, endpoints) in the account and region the resource's
provider points at, so that ARNs built by the program and checked by tests look like the real ones.
``RecordingMonitor`` keeps the whole registration (parent, provider, protect, dependencies), which
the mock's own callback does not see and the policy pack needs.

We model the VPC with plain pulumi-aws resources rather than the awsx remote component, so there is
no remote component whose children the mocks would have to invent.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.sync_await import _ensure_event_loop

PROVIDER_TYPE_PREFIX = "pulumi:providers:"
DEFAULT_REGION = "ap-northeast-1"
UNKNOWN_ACCOUNT = "000000000000"


def _digest(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _as_list(value: Any) -> list[Any]:
    """Provider inputs arrive JSON-encoded for non-string values; accept both shapes."""
    if value is None:
        return []
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return [value]
        return decoded if isinstance(decoded, list) else [decoded]
    return list(value)


@dataclass
class RecordedResource:
    """One resource registration, as the engine (and so the policy pack) would see it."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    id: str
    parent: str
    provider: str  # "<provider urn>::<provider id>", "" when the default provider would be used
    protect: bool
    retain_on_delete: bool
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    account: str = UNKNOWN_ACCOUNT
    region: str = ""

    @property
    def provider_urn(self) -> str:
        return self.provider.rsplit("::", 1)[0] if self.provider else ""

    @property
    def is_provider(self) -> bool:
        return self.type.startswith(PROVIDER_TYPE_PREFIX)

    @property
    def logical_name(self) -> str:
        return self.name


@dataclass
class _Placement:
    account: str
    region: str


# ARN layout per type token. {name} is the physical name, {id} the ID we return.
_ARN_FORMATS: dict[str, str] = {
    "aws:s3/bucket:Bucket": "arn:aws:s3:::{name}",
    "aws:s3/bucketV2:BucketV2": "arn:aws:s3:::{name}",
    "aws:iam/role:Role": "arn:aws:iam::{account}:role/{name}",
    "aws:iam/policy:Policy": "arn:aws:iam::{account}:policy/{name}",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com",
    "aws:kms/key:Key": "arn:aws:kms:{region}:{account}:key/{id}",
    "aws:kms/alias:Alias": "arn:aws:kms:{region}:{account}:{name}",
    "aws:cloudwatch/logGroup:LogGroup": "arn:aws:logs:{region}:{account}:log-group:{name}",
    "aws:sns/topic:Topic": "arn:aws:sns:{region}:{account}:{name}",
    "aws:sqs/queue:Queue": "arn:aws:sqs:{region}:{account}:{name}",
    "aws:lambda/function:Function": "arn:aws:lambda:{region}:{account}:function:{name}",
    "aws:sfn/stateMachine:StateMachine": "arn:aws:states:{region}:{account}:stateMachine:{name}",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "arn:aws:firehose:{region}:{account}:deliverystream/{name}",
    "aws:rds/cluster:Cluster": "arn:aws:rds:{region}:{account}:cluster:{name}",
    "aws:rds/clusterInstance:ClusterInstance": "arn:aws:rds:{region}:{account}:db:{name}",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "arn:aws:rds:{region}:{account}:cluster-pg:{name}",
    "aws:rds/parameterGroup:ParameterGroup": "arn:aws:rds:{region}:{account}:pg:{name}",
    "aws:rds/subnetGroup:SubnetGroup": "arn:aws:rds:{region}:{account}:subgrp:{name}",
    "aws:ecs/cluster:Cluster": "arn:aws:ecs:{region}:{account}:cluster/{name}",
    "aws:ecs/service:Service": "arn:aws:ecs:{region}:{account}:service/{name}",
    "aws:ecs/taskDefinition:TaskDefinition": "arn:aws:ecs:{region}:{account}:task-definition/{name}:1",
    "aws:ecr/repository:Repository": "arn:aws:ecr:{region}:{account}:repository/{name}",
    "aws:lb/loadBalancer:LoadBalancer": "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{hex}",
    "aws:alb/loadBalancer:LoadBalancer": "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{hex}",
    "aws:lb/targetGroup:TargetGroup": "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{hex}",
    "aws:lb/listener:Listener": "arn:aws:elasticloadbalancing:{region}:{account}:listener/app/{name}/{hex}",
    "aws:wafv2/webAcl:WebAcl": "arn:aws:wafv2:{region}:{account}:{scope}/webacl/{name}/{id}",
    "aws:wafv2/ipSet:IpSet": "arn:aws:wafv2:{region}:{account}:{scope}/ipset/{name}/{id}",
    "aws:acm/certificate:Certificate": "arn:aws:acm:{region}:{account}:certificate/{id}",
    "aws:cloudfront/distribution:Distribution": "arn:aws:cloudfront::{account}:distribution/{id}",
    "aws:cloudtrail/trail:Trail": "arn:aws:cloudtrail:{region}:{account}:trail/{name}",
    "aws:cloudwatch/eventRule:EventRule": "arn:aws:events:{region}:{account}:rule/{name}",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
    "aws:ssm/parameter:Parameter": "arn:aws:ssm:{region}:{account}:parameter{name}",
    "aws:secretsmanager/secret:Secret": "arn:aws:secretsmanager:{region}:{account}:secret:{name}-{hex6}",
    "aws:backup/vault:Vault": "arn:aws:backup:{region}:{account}:backup-vault:{name}",
    "aws:backup/plan:Plan": "arn:aws:backup:{region}:{account}:backup-plan:{id}",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "arn:aws:servicediscovery:{region}:{account}:namespace/{id}",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "arn:aws:servicediscovery:{region}:{account}:namespace/{id}",
    "aws:pinpoint/app:App": "arn:aws:mobiletargeting:{region}:{account}:apps/{id}",
    "aws:guardduty/detector:Detector": "arn:aws:guardduty:{region}:{account}:detector/{id}",
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": "arn:aws:chatbot::{account}:chat-configuration/slack-channel/{name}",
    "aws:amp/workspace:Workspace": "arn:aws:aps:{region}:{account}:workspace/{id}",
    "aws:grafana/workspace:Workspace": "arn:aws:grafana:{region}:{account}:/workspaces/{id}",
    "aws:athena/workgroup:Workgroup": "arn:aws:athena:{region}:{account}:workgroup/{name}",
    "aws:glue/catalogDatabase:CatalogDatabase": "arn:aws:glue:{region}:{account}:database/{name}",
    "aws:glue/catalogTable:CatalogTable": "arn:aws:glue:{region}:{account}:table/{name}",
    "aws:glue/crawler:Crawler": "arn:aws:glue:{region}:{account}:crawler/{name}",
    "aws:cfg/recorder:Recorder": "arn:aws:config:{region}:{account}:config-recorder/{name}",
    "aws:accessanalyzer/analyzer:Analyzer": "arn:aws:access-analyzer:{region}:{account}:analyzer/{name}",
    "aws:xray/group:Group": "arn:aws:xray:{region}:{account}:group/{name}/{hex}",
    "aws:xray/samplingRule:SamplingRule": "arn:aws:xray:{region}:{account}:sampling-rule/{name}",
    "aws:ssoadmin/permissionSet:PermissionSet": "arn:aws:sso:::permissionSet/ssoins-{hex}/ps-{hex}",
    "aws:securityhub/standardsSubscription:StandardsSubscription": "arn:aws:securityhub:{region}:{account}:subscription/{name}",
    "aws:ec2/vpc:Vpc": "arn:aws:ec2:{region}:{account}:vpc/{id}",
    "aws:ec2/subnet:Subnet": "arn:aws:ec2:{region}:{account}:subnet/{id}",
    "aws:ec2/securityGroup:SecurityGroup": "arn:aws:ec2:{region}:{account}:security-group/{id}",
    "aws:ec2/flowLog:FlowLog": "arn:aws:ec2:{region}:{account}:vpc-flow-log/{id}",
}

# Physical ID prefixes AWS uses, so IDs in the preview read like the console's.
_ID_PREFIXES: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/networkAcl:NetworkAcl": "acl-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "ns-",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "ns-",
    "aws:cloudfront/distribution:Distribution": "E",
    "aws:cloudfront/originAccessControl:OriginAccessControl": "E",
    "aws:route53/zone:Zone": "Z",
}

# Types whose physical name AWS (or the provider) derives from "name"; others get an autoname.
_NAME_KEYS = ("name", "bucket", "functionName", "topicName", "roleName", "clusterIdentifier", "identifier")

# Hosted zone of CloudFront aliases (a fixed AWS constant) and of ALBs in Tokyo.
CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"
ALB_HOSTED_ZONE_IDS = {"ap-northeast-1": "Z14GRHDCWA56QT", "us-east-1": "Z35SXDOTRQ7X7K"}

# AWS managed CloudFront policies, by name (constant IDs documented by AWS).
MANAGED_CACHE_POLICIES = {
    "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
}
MANAGED_ORIGIN_REQUEST_POLICIES = {
    "Managed-CORS-S3Origin": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
    "Managed-AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
}


class SmartpostMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes with realistic, deterministic values."""

    def __init__(self) -> None:
        self._providers: dict[str, _Placement] = {}
        self._lock = threading.Lock()

    # -- placement -------------------------------------------------------------------------
    def register_provider(self, urn: str, inputs: dict[str, Any]) -> None:
        accounts = _as_list(inputs.get("allowedAccountIds"))
        placement = _Placement(
            account=str(accounts[0]) if accounts else UNKNOWN_ACCOUNT,
            region=str(inputs.get("region") or DEFAULT_REGION),
        )
        with self._lock:
            self._providers[urn] = placement

    def placement(self, provider_ref: str | None, inputs: dict[str, Any]) -> _Placement:
        provider_urn = (provider_ref or "").rsplit("::", 1)[0]
        with self._lock:
            base = self._providers.get(provider_urn, _Placement(UNKNOWN_ACCOUNT, DEFAULT_REGION))
        # pulumi-aws v7 lets a resource override its provider's region.
        region = inputs.get("region") if isinstance(inputs.get("region"), str) else None
        return _Placement(base.account, region or base.region)

    # -- resources -------------------------------------------------------------------------
    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        if args.typ.startswith(PROVIDER_TYPE_PREFIX):
            return f"provider-{_digest(args.typ, args.name)}", inputs
        if args.custom is False:
            return None, {}

        place = self.placement(args.provider, inputs)
        seed = f"{args.typ}/{args.name}/{place.account}"
        physical_name = self._physical_name(args.typ, args.name, inputs)
        resource_id = self._resource_id(args.typ, physical_name, seed)
        outputs = {**inputs, **self._computed(args.typ, args.name, inputs, place, physical_name, resource_id, seed)}
        return resource_id, outputs

    @staticmethod
    def _physical_name(typ: str, logical: str, inputs: dict[str, Any]) -> str:
        for key in _NAME_KEYS:
            value = inputs.get(key)
            if isinstance(value, str) and value:
                return value
        prefix = inputs.get("namePrefix") or inputs.get("bucketPrefix")
        if isinstance(prefix, str) and prefix:
            return f"{prefix}{_digest(typ, logical, length=12)}"
        # Pulumi auto-naming: logical name plus a random suffix.
        return f"{logical}-{_digest(typ, logical, length=7)}"

    @staticmethod
    def _resource_id(typ: str, physical_name: str, seed: str) -> str:
        if typ in _ID_PREFIXES:
            prefix = _ID_PREFIXES[typ]
            if prefix in ("E", "Z"):
                return prefix + _digest(seed, length=13).upper()
            return prefix + _digest(seed, length=17)
        if typ in (
            "aws:kms/key:Key",
            "aws:acm/certificate:Certificate",
            "aws:wafv2/webAcl:WebAcl",
            "aws:wafv2/ipSet:IpSet",
            "aws:backup/plan:Plan",
            "aws:grafana/workspace:Workspace",
            "aws:amp/workspace:Workspace",
        ):
            return str(uuid.UUID(hashlib.md5(seed.encode()).hexdigest()))
        if typ in ("aws:pinpoint/app:App", "aws:guardduty/detector:Detector"):
            return _digest(seed, length=32)
        if typ in _ARN_FORMATS and _ARN_FORMATS[typ].endswith("{name}"):
            return physical_name
        return physical_name

    def _computed(
        self,
        typ: str,
        logical: str,
        inputs: dict[str, Any],
        place: _Placement,
        physical_name: str,
        resource_id: str,
        seed: str,
    ) -> dict[str, Any]:
        region, account = place.region, place.account
        fmt = _ARN_FORMATS.get(typ)
        scope = "global" if inputs.get("scope") == "CLOUDFRONT" else "regional"
        hex16 = _digest(seed, "hex", length=16)
        arn = (fmt or "arn:aws:{service}:{region}:{account}:{kind}/{name}").format(
            name=physical_name,
            id=resource_id,
            region=region,
            account=account,
            hex=hex16,
            hex6=_digest(seed, length=6),
            scope=scope,
            service=typ.split(":")[1].split("/")[0],
            kind=typ.rsplit(":", 1)[-1].lower(),
        )
        out: dict[str, Any] = {"arn": arn, "name": physical_name, "region": region, "tagsAll": inputs.get("tags") or {}}
        # Type-specific computed outputs that the program or the tests read.
        if typ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            out |= {
                "bucket": physical_name,
                "bucketDomainName": f"{physical_name}.s3.amazonaws.com",
                "bucketRegionalDomainName": f"{physical_name}.s3.{region}.amazonaws.com",
            }
        elif typ == "aws:kms/key:Key":
            out |= {"keyId": resource_id}
        elif typ == "aws:kms/alias:Alias":
            out |= {"targetKeyArn": inputs.get("targetKeyId")}
        elif typ == "aws:ec2/vpc:Vpc":
            out |= {
                "defaultSecurityGroupId": "sg-" + _digest(seed, "default-sg", length=17),
                "defaultNetworkAclId": "acl-" + _digest(seed, "default-acl", length=17),
                "mainRouteTableId": "rtb-" + _digest(seed, "main-rtb", length=17),
                "ownerId": account,
            }
        elif typ == "aws:ec2/eip:Eip":
            out |= {"publicIp": "203.0.113." + str(int(_digest(seed, length=2), 16) % 250 + 1)}
        elif typ == "aws:rds/cluster:Cluster":
            out |= {
                "clusterResourceId": "cluster-" + _digest(seed, length=26).upper(),
                "endpoint": f"{physical_name}.cluster-{hex16[:12]}.{region}.rds.amazonaws.com",
                "readerEndpoint": f"{physical_name}.cluster-ro-{hex16[:12]}.{region}.rds.amazonaws.com",
                "port": inputs.get("port") or 5432,
                "masterUserSecrets": [
                    {
                        "kmsKeyId": inputs.get("masterUserSecretKmsKeyId"),
                        "secretArn": f"arn:aws:secretsmanager:{region}:{account}:secret:rds!cluster-{hex16}",
                        "secretStatus": "active",
                    }
                ],
            }
        elif typ == "aws:rds/clusterInstance:ClusterInstance":
            out |= {
                "dbiResourceId": "db-" + _digest(seed, length=26).upper(),
                "endpoint": f"{physical_name}.{hex16[:12]}.{region}.rds.amazonaws.com",
            }
        elif typ in ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
            out |= {
                "dnsName": f"{physical_name}-{hex16[:10]}.{region}.elb.amazonaws.com",
                "zoneId": ALB_HOSTED_ZONE_IDS.get(region, "Z14GRHDCWA56QT"),
                "arnSuffix": f"app/{physical_name}/{hex16}",
            }
        elif typ == "aws:lb/targetGroup:TargetGroup":
            out |= {"arnSuffix": f"targetgroup/{physical_name}/{hex16}"}
        elif typ == "aws:cloudfront/distribution:Distribution":
            out |= {
                "domainName": f"d{_digest(seed, length=13)}.cloudfront.net",
                "hostedZoneId": CLOUDFRONT_HOSTED_ZONE_ID,
                "status": "Deployed",
            }
        elif typ == "aws:acm/certificate:Certificate":
            domains = [inputs.get("domainName"), *(inputs.get("subjectAlternativeNames") or [])]
            out |= {
                "domainValidationOptions": [
                    {
                        "domainName": d,
                        "resourceRecordName": f"_{_digest(seed, d, length=32)}.{d}.",
                        "resourceRecordType": "CNAME",
                        "resourceRecordValue": f"_{_digest(d, seed, length=32)}.acm-validations.aws.",
                    }
                    for d in domains
                    if d
                ]
            }
        elif typ == "aws:ecr/repository:Repository":
            out |= {"repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{physical_name}", "registryId": account}
        elif typ == "aws:lambda/function:Function":
            out |= {
                "invokeArn": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations",
                "qualifiedArn": f"{arn}:$LATEST",
                "version": "$LATEST",
            }
        elif typ == "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            out |= {"hostedZone": "Z" + _digest(seed, length=13).upper()}
        elif typ == "aws:pinpoint/app:App":
            out |= {"applicationId": resource_id}
        elif typ == "aws:grafana/workspace:Workspace":
            out |= {"endpoint": f"g-{_digest(seed, length=10)}.grafana-workspace.{region}.amazonaws.com"}
        elif typ == "aws:amp/workspace:Workspace":
            out |= {"prometheusEndpoint": f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{resource_id}/"}
        elif typ == "aws:ssm/parameter:Parameter":
            out |= {"version": 1}
        elif typ == "aws:ecs/taskDefinition:TaskDefinition":
            out |= {"revision": 1, "arnWithoutRevision": arn.rsplit(":", 1)[0]}
        elif typ == "aws:ssoadmin/permissionSet:PermissionSet":
            out |= {"arn": arn}
        elif typ == "aws:route53/record:Record":
            out |= {"fqdn": inputs.get("name")}
        elif typ == "aws:sqs/queue:Queue":
            out |= {"url": f"https://sqs.{region}.amazonaws.com/{account}/{physical_name}"}
        elif typ == "aws:iam/role:Role":
            out |= {"uniqueId": "AROA" + _digest(seed, length=17).upper()}
        elif typ == "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration":
            out |= {"chatConfigurationArn": arn}
        return out

    # -- invokes ---------------------------------------------------------------------------
    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # Pulumi's MockMonitor iterates the failures of a (result, failures) tuple: never hand it None.
        result, failures = self._invoke(args)
        return result, list(failures or [])

    def _invoke(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        place = self.placement(args.provider, args.args)
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": place.account,
                "arn": f"arn:aws:sts::{place.account}:assumed-role/deploy/pulumi",
                "userId": "AROAEXAMPLE:pulumi",
                "id": place.account,
            }, None
        if token in ("aws:index/getRegion:getRegion", "aws:index/region:getRegion"):
            return {
                "name": place.region,
                "region": place.region,
                "id": place.region,
                "endpoint": f"ec2.{place.region}.amazonaws.com",
            }, None
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, None
        if token == "aws:cloudfront/getCachePolicy:getCachePolicy":
            name = str(args.args.get("name"))
            return {"id": MANAGED_CACHE_POLICIES.get(name, _digest(str(name))), "name": name}, None
        if token == "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
            name = str(args.args.get("name"))
            return {"id": MANAGED_ORIGIN_REQUEST_POLICIES.get(name, _digest(str(name))), "name": name}, None
        if token == "aws:route53/getZone:getZone":
            name = str(args.args.get("name") or "example.jp")
            return {
                "zoneId": "Z" + _digest(name, length=13).upper(),
                "id": "Z" + _digest(name, length=13).upper(),
                "name": name.rstrip("."),
            }, None
        if token == "aws:ssoadmin/getInstances:getInstances":
            return {
                "arns": ["arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6"],
                "identityStoreIds": ["d-9067a1b2c3"],
                "id": "ssoins",
            }, None
        raise NotImplementedError(f"offline mocks have no answer for invoke {token!r}; add one to offline/mocks.py")


class RecordingMonitor(MockMonitor):
    """A mock monitor that keeps each registration whole, in registration order."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine leaves the root stack out of its children's type chain; the stock mock does not.
        if parent and parent.split("::")[2].split("$")[-1] == "pulumi:pulumi:Stack":
            parent = ""
        return super().make_urn(parent, type_, name)

    def __init__(self, mocks: SmartpostMocks) -> None:
        super().__init__(mocks)
        self.smartpost_mocks = mocks
        self.recorded: list[RecordedResource] = []
        self._record_lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type.startswith(PROVIDER_TYPE_PREFIX):
            self.smartpost_mocks.register_provider(urn, inputs)
        response = super().RegisterResource(request)
        registration = self.resources[urn]
        place = (
            self.smartpost_mocks.placement(request.provider, inputs)
            if request.custom and not request.type.startswith(PROVIDER_TYPE_PREFIX)
            else None
        )
        record = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            inputs=inputs,
            outputs=dict(registration.state),
            id=registration.id or "",
            parent=request.parent,
            provider=request.provider,
            protect=bool(request.protect),
            retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
            dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
            account=place.account if place else "",
            region=place.region if place else str(inputs.get("region") or ""),
        )
        with self._record_lock:
            self.recorded.append(record)
        return response


@dataclass
class StackRecording:
    """Everything one program run registered."""

    stack: str
    resources: list[RecordedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def by_urn(self) -> dict[str, RecordedResource]:
        return {r.urn: r for r in self.resources}

    def of_type(self, type_token: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, type_token: str, name: str) -> RecordedResource:
        matches = [r for r in self.resources if r.type == type_token and r.name == name]
        if len(matches) != 1:
            raise KeyError(f"expected one {type_token} named {name!r}, found {len(matches)}")
        return matches[0]

    def children_of(self, parent_urn: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == parent_urn]

    def custom_resources(self) -> list[RecordedResource]:
        return [r for r in self.resources if r.custom and not r.is_provider]

    def providers(self) -> list[RecordedResource]:
        return [r for r in self.resources if r.is_provider]
