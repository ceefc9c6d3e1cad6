import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import type { AppHosting, AppHostingArgs, SnapshotStorage } from "../../src/contracts/app";
import { statefulOptions } from "../../src/protection";
import type { AwsCluster } from "./cluster";
import type { AwsAccount } from "./kms";
import { installLoadBalancerController } from "./loadBalancerController";
import { awsName } from "./naming";
import type { AwsNetwork } from "./network";
import { roleNameFromArn } from "./policies";

export interface AwsAppHostingArgs extends AppHostingArgs {
  account: AwsAccount;
  network: AwsNetwork;
  /** The EKS cluster the AWS Load Balancer Controller is installed on. */
  cluster: AwsCluster;
}

/**
 * Ingress through an ALB (IP targets, HTTPS only, the certificate found in ACM by host name);
 * the ALB sits in the VPC, so its traffic comes from the VPC's range. The AWS Load Balancer
 * Controller serves the class; with no subnet tagged `kubernetes.io/role/elb`, it places the
 * internet-facing ALB in the subnets routed to the internet gateway (controller >= 2.12.1).
 */
// TODO: ACM must hold a certificate for rag:apiHostname (an ALB cannot use a Kubernetes TLS
// secret); without one the controller cannot create the HTTPS listener and the Ingress gets no
// address.
export function awsIngress(vpcCidr: string): AppHosting["ingress"] {
  return {
    className: "alb",
    annotations: {
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/healthcheck-path": "/readyz",
      // New targets serve after two 5-second checks instead of the default 5 x 15 s (the flip).
      "alb.ingress.kubernetes.io/healthcheck-interval-seconds": "5",
      "alb.ingress.kubernetes.io/healthy-threshold-count": "2",
    },
    sources: [{ ipBlock: { cidr: vpcCidr } }],
  };
}

/** Read and write of the snapshot bucket, and the key that encrypts it through S3 only. */
export function snapshotBucketPolicy(bucketArn: string, keyArn: string, region: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn },
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: `${bucketArn}/*`,
      },
      {
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
      },
    ],
  };
}

/**
 * What the application layer needs of AWS: the ALB ingress class served by the AWS Load Balancer
 * Controller it installs, Secrets Manager through IRSA for External Secrets, and (with Qdrant) a
 * private S3 bucket for snapshots, encrypted with the vault's key, writable by the workload role
 * alone.
 */
export class AwsAppHosting extends pulumi.ComponentResource implements AppHosting {
  readonly ingress: AppHosting["ingress"];
  readonly privateServiceCidrs: pulumi.Output<string[]>;
  readonly secretStoreProvider: Record<string, unknown>;
  readonly identityEgress: AppHosting["identityEgress"];
  readonly identityPodLabels: Record<string, string> = {};
  readonly snapshotStorage?: SnapshotStorage;
  readonly ingressDependsOn: pulumi.Resource[];

  constructor(name: string, args: AwsAppHostingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:app:AwsAppHosting", name, {}, opts);
    const { network, workloadIdentity: identity, region, cluster } = args;

    // The controller that turns the `alb` Ingress into a load balancer; the Ingress waits for it.
    const controller = installLoadBalancerController(this, `${name}-lb-controller`, {
      naming: args.naming,
      tags: args.tags,
      issuer: cluster.oidcIssuer,
      provider: cluster.provider,
      clusterName: cluster.clusterName,
      region,
      vpcId: network.networkId,
      partition: args.account.partition,
    });
    this.ingress = awsIngress(network.cidr);
    this.ingressDependsOn = [controller];

    // RDS and the OpenSearch VPC endpoint live in the VPC's private subnets.
    this.privateServiceCidrs = pulumi.output([network.cidr]);
    this.secretStoreProvider = {
      aws: {
        service: "SecretsManager",
        region,
        auth: {
          jwt: {
            serviceAccountRef: { name: identity.serviceAccountName, namespace: identity.namespace },
          },
        },
      },
    };
    // TODO: STS has no fixed address range (no STS interface endpoint is declared), so pods that
    // assume the role may reach any address on 443.
    this.identityEgress = [
      { peer: { ipBlock: { cidr: "0.0.0.0/0" } }, port: 443, protocol: "TCP" },
    ];

    if (args.snapshots) this.snapshotStorage = this.snapshotBucket(name, args);
    this.registerOutputs({});
  }

  private snapshotBucket(name: string, args: AwsAppHostingArgs): SnapshotStorage {
    const { naming, tags, protection, account, region, vault, workloadIdentity } = args;
    const parent = { parent: this };
    const bucket = new s3.Bucket(
      `${name}-snapshots`,
      {
        bucket: pulumi.interpolate`${awsName(naming, "qdrant-snapshots", "bucket")}-${account.accountId}`,
        forceDestroy: !protection.deletionProtection,
        tags,
      },
      { ...parent, ...statefulOptions(protection) },
    );
    new s3.BucketPublicAccessBlock(
      `${name}-snapshots-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new s3.BucketServerSideEncryptionConfiguration(
      `${name}-snapshots-encryption`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: vault.keyId,
            },
            bucketKeyEnabled: true,
          },
        ],
      },
      parent,
    );
    new iam.RolePolicy(
      `${name}-snapshots-access`,
      {
        name: awsName(naming, "qdrant-snapshots", "iamPolicy"),
        role: workloadIdentity.principal.apply(roleNameFromArn),
        policy: pulumi
          .all([bucket.arn, vault.keyId])
          .apply(([arn, key]) => JSON.stringify(snapshotBucketPolicy(arn, key, region))),
      },
      parent,
    );
    return {
      url: pulumi.interpolate`s3://${bucket.bucket}`,
      path: bucket.bucket,
      rcloneEnv: pulumi.output<Record<string, string>>({
        RCLONE_CONFIG_SNAPSHOTS_TYPE: "s3",
        RCLONE_CONFIG_SNAPSHOTS_PROVIDER: "AWS",
        RCLONE_CONFIG_SNAPSHOTS_ENV_AUTH: "true",
        RCLONE_CONFIG_SNAPSHOTS_REGION: region,
        RCLONE_CONFIG_SNAPSHOTS_SERVER_SIDE_ENCRYPTION: "aws:kms",
      }),
    };
  }
}
