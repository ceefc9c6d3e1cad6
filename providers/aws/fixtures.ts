import type { CloudFixtures, Inputs } from "../../src/plan/fixtures";

/**
 * Offline answers of the AWS backend: the invokes it calls (zones, caller identity, partition)
 * and the computed outputs its code and the stack outputs read (ARNs, ids, endpoints, the EKS
 * OIDC issuer and CA, the RDS-managed secret). Plain data: the values are deterministic
 * functions of the resource's name and inputs.
 */

export const fixtureAccountId = "123456789012";
const partition = "aws";
/** Region of resources whose inputs name none (the provider's region in a real run). */
const defaultRegion = "us-east-1";

/** A short deterministic hex string derived from `text` (FNV-1a), for ids and hostnames. */
function hex(text: string, length = 16): string {
  let out = "";
  let seed = 0x811c9dc5;
  while (out.length < length) {
    for (const char of `${text}:${out.length}`) {
      seed ^= char.charCodeAt(0);
      seed = Math.imul(seed, 0x01000193) >>> 0;
    }
    out += seed.toString(16).padStart(8, "0");
  }
  return out.slice(0, length);
}

function uuid(text: string): string {
  const h = hex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function regionOf(inputs: Inputs): string {
  return typeof inputs.region === "string" ? inputs.region : defaultRegion;
}

function nameOf(name: string, inputs: Inputs, key = "name"): string {
  return typeof inputs[key] === "string" ? (inputs[key] as string) : name;
}

function arn(service: string, region: string, resource: string): string {
  return `arn:${partition}:${service}:${region}:${fixtureAccountId}:${resource}`;
}

/** Prefix of the physical id EC2 gives each resource kind. */
const ec2IdPrefixes: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint": "vpce",
};

/**
 * Regions whose accounts see fewer zones than the default four of the fixture. In us-west-1 the
 * third zone (usw1-az2) is constrained and not offered to new accounts, so
 * `describe-availability-zones` returns two (AWS "AWS Availability Zones" and the knowledge-center
 * article on constrained zones).
 */
const constrainedZones: Record<string, { letters: string[]; ids: number[] }> = {
  "us-west-1": { letters: ["a", "c"], ids: [1, 3] },
};

/** The AZ id prefix AWS derives from a region code: `us-west-1` -> `usw1`, `ap-northeast-1` -> `apne1`. */
function zoneIdPrefix(region: string): string {
  const parts = region.split("-");
  const middle = parts.slice(1, -1).map((part) =>
    part
      .replace(/^gov$/, "g")
      .replace(/north/g, "n")
      .replace(/south/g, "s")
      .replace(/east/g, "e")
      .replace(/west/g, "w")
      .replace(/central/g, "c"),
  );
  return [parts[0], ...middle, parts.at(-1)].join("");
}

/** A generic ARN for a resource type no specific fixture covers. */
function defaultArn(type: string, name: string, inputs: Inputs): string {
  const [, module] = type.split(/[:/]/);
  return arn(module, regionOf(inputs), `${module}/${nameOf(name, inputs)}`);
}

export const awsFixtures: CloudFixtures = {
  invokes: {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (args) => {
      const region = regionOf(args);
      const zones = constrainedZones[region] ?? {
        letters: ["a", "b", "c", "d"],
        ids: [1, 2, 3, 4],
      };
      return {
        id: region,
        names: zones.letters.map((letter) => `${region}${letter}`),
        zoneIds: zones.ids.map((n) => `${zoneIdPrefix(region)}-az${n}`),
        groupNames: [region],
      };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      id: fixtureAccountId,
      accountId: fixtureAccountId,
      arn: `arn:${partition}:iam::${fixtureAccountId}:user/plan`,
      userId: "AIDAPLANFIXTURE",
    }),
    "aws:index/getPartition:getPartition": () => ({
      id: partition,
      partition,
      dnsSuffix: "amazonaws.com",
      reverseDnsPrefix: "com.amazonaws",
    }),
  },

  resourceOutputs: {
    "aws:eks/cluster:Cluster": (name, inputs) => {
      const region = regionOf(inputs);
      const clusterName = nameOf(name, inputs);
      const id = hex(clusterName, 32).toUpperCase();
      return {
        arn: arn("eks", region, `cluster/${clusterName}`),
        name: clusterName,
        endpoint: `https://${id}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: {
          data: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=",
        },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${id}` }] }],
        vpcConfig: {
          ...(inputs.vpcConfig as Inputs),
          clusterSecurityGroupId: `sg-${hex(`${clusterName}-cluster`, 17)}`,
        },
        platformVersion: "eks.1",
        status: "ACTIVE",
      };
    },
    "aws:rds/instance:Instance": (name, inputs) => {
      const region = regionOf(inputs);
      const identifier = nameOf(name, inputs, "identifier");
      const address = `${identifier}.c${hex("rds-account", 11)}.${region}.rds.amazonaws.com`;
      const secrets = inputs.manageMasterUserPassword
        ? [
            {
              secretArn: arn(
                "secretsmanager",
                region,
                `secret:rds!db-${uuid(identifier)}-${hex(identifier, 6)}`,
              ),
              kmsKeyId:
                inputs.masterUserSecretKmsKeyId ??
                arn("kms", region, `key/${uuid("aws/secretsmanager")}`),
              secretStatus: "active",
            },
          ]
        : [];
      return {
        arn: arn("rds", region, `db:${identifier}`),
        identifier,
        address,
        endpoint: `${address}:5432`,
        port: 5432,
        resourceId: `db-${hex(identifier, 26).toUpperCase()}`,
        masterUserSecrets: secrets,
        status: "available",
      };
    },
    "aws:opensearch/serverlessCollection:ServerlessCollection": (name, inputs) => {
      const region = regionOf(inputs);
      const id = hex(nameOf(name, inputs), 20);
      return {
        arn: arn("aoss", region, `collection/${id}`),
        collectionEndpoint: `https://${id}.${region}.aoss.amazonaws.com`,
        dashboardEndpoint: `https://${id}.${region}.aoss.amazonaws.com/_dashboards`,
      };
    },
    "aws:iam/role:Role": (name, inputs) => ({
      arn: `arn:${partition}:iam::${fixtureAccountId}:role/${nameOf(name, inputs)}`,
      name: nameOf(name, inputs),
      uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
    }),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => ({
      arn: `arn:${partition}:iam::${fixtureAccountId}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`,
    }),
    "aws:kms/key:Key": (name, inputs) => {
      const keyId = uuid(name);
      return { arn: arn("kms", regionOf(inputs), `key/${keyId}`), keyId };
    },
    "aws:secretsmanager/secret:Secret": (name, inputs) => ({
      arn: arn(
        "secretsmanager",
        regionOf(inputs),
        `secret:${nameOf(name, inputs)}-${hex(name, 6)}`,
      ),
    }),
    "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({
      arn: arn("logs", regionOf(inputs), `log-group:${nameOf(name, inputs)}`),
    }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (name, inputs) => ({
      arn: arn("cloudwatch", regionOf(inputs), `alarm:${nameOf(name, inputs)}`),
    }),
    "aws:cloudwatch/dashboard:Dashboard": (name, inputs) => ({
      dashboardArn: `arn:${partition}:cloudwatch::${fixtureAccountId}:dashboard/${nameOf(name, inputs, "dashboardName")}`,
    }),
    "aws:sns/topic:Topic": (name, inputs) => ({
      arn: arn("sns", regionOf(inputs), nameOf(name, inputs)),
    }),
    "aws:s3/bucket:Bucket": (name, inputs) => ({
      arn: `arn:${partition}:s3:::${nameOf(name, inputs, "bucket")}`,
      bucket: nameOf(name, inputs, "bucket"),
    }),
  },

  defaultOutputs: (type, name, inputs) => ({ arn: defaultArn(type, name, inputs) }),

  id: (type, name, inputs) => {
    const prefix = ec2IdPrefixes[type];
    if (prefix !== undefined) return `${prefix}-${hex(name, 17)}`;
    if (type === "aws:s3/bucket:Bucket") return nameOf(name, inputs, "bucket");
    if (type === "aws:iam/role:Role" || type === "aws:eks/cluster:Cluster")
      return nameOf(name, inputs);
    if (type === "aws:rds/instance:Instance") return nameOf(name, inputs, "identifier");
    if (type === "aws:opensearch/serverlessCollection:ServerlessCollection")
      return hex(nameOf(name, inputs), 20);
    return `${name}-id`;
  },
};
