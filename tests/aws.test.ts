import { expect } from "chai";
import { awsName, awsNameRules } from "../providers/aws/naming";
import { awsFixtures } from "../providers/aws/fixtures";
import { AwsNetwork, pickZones, subnetPlan } from "../providers/aws/network";
import { ConfigError } from "../src/config/issues";
import { alertSignals, maxDetectionSeconds } from "../src/contracts/common";
import { Naming } from "../src/naming";
import { blind } from "../src/plan/wire";
import { fixtureSets } from "../src/plan/plan";
import { recordProgram } from "../src/plan/record";
import {
  blindedInputs,
  configFor,
  inputs,
  ofType,
  plan,
  single,
  type PlanResult,
  type RecordedResource,
  type StackConfig,
} from "./harness";

type Environment = "staging" | "production";
const environments: Environment[] = ["staging", "production"];

const types = {
  rds: "aws:rds/instance:Instance",
  parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  backupReplication:
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  key: "aws:kms/key:Key",
  secret: "aws:secretsmanager/secret:Secret",
  rotation: "aws:secretsmanager/secretRotation:SecretRotation",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  bucket: "aws:s3/bucket:Bucket",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  bucketEncryption:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  trail: "aws:cloudtrail/trail:Trail",
  eks: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  k8sProvider: "pulumi:providers:kubernetes",
  release: "kubernetes:helm.sh/v3:Release",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  collection: "aws:opensearch/serverlessCollection:ServerlessCollection",
  securityPolicy: "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
  accessPolicy: "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy",
  natGateway: "aws:ec2/natGateway:NatGateway",
  subnet: "aws:ec2/subnet:Subnet",
  flowLog: "aws:ec2/flowLog:FlowLog",
  topic: "aws:sns/topic:Topic",
};

/** Plans are slow; each distinct configuration is planned once. */
const plans = new Map<string, Promise<PlanResult>>();
function planAws(environment: Environment, overrides: StackConfig = {}): Promise<PlanResult> {
  const config = configFor("aws", environment, overrides);
  const key = JSON.stringify(config);
  if (!plans.has(key)) plans.set(key, plan(config, `aws-${environment}`));
  return plans.get(key)!;
}

const named = (result: PlanResult, type: string, suffix: string): RecordedResource => {
  const found = ofType(result, type).filter((resource) => resource.name.endsWith(suffix));
  if (found.length !== 1)
    throw new Error(`expected one ${type} named *${suffix}, found ${found.length}`);
  return found[0];
};
const primaryDatabase = (result: PlanResult) => named(result, types.rds, "-database-instance");
const json = (text: unknown) => JSON.parse(String(text));

describe("AWS backend", () => {
  describe("database", () => {
    for (const environment of environments) {
      it(`encrypts ${environment} storage and Performance Insights with the database's own key`, async () => {
        const result = await planAws(environment);
        const db = inputs(primaryDatabase(result));
        const key = named(result, types.key, "-database-storage-key");
        expect(db.storageEncrypted).to.equal(true);
        expect(db.kmsKeyId).to.match(/^arn:aws:kms:/);
        expect(db.performanceInsightsKmsKeyId).to.equal(db.kmsKeyId);
        expect(primaryDatabase(result).propertyDependencies.kmsKeyId).to.include(key.urn);
      });

      it(`keeps the ${environment} database private: no public address, 5432 from the VPC only`, async () => {
        const result = await planAws(environment);
        const db = inputs(primaryDatabase(result));
        expect(db.publiclyAccessible).to.equal(false);
        const group = inputs(named(result, types.securityGroup, "-database-sg"));
        const cidr = environment === "production" ? "10.50.0.0/16" : "10.40.0.0/16";
        expect(group.ingress).to.deep.equal([
          { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [cidr] },
        ]);
        expect(group.egress).to.deep.equal([]);
      });

      it(`forces TLS on every ${environment} connection`, async () => {
        const result = await planAws(environment);
        const parameters = inputs(single(result, types.parameterGroup)).parameters as Array<{
          name: string;
          value: string;
        }>;
        expect(parameters).to.deep.include({ name: "rds.force_ssl", value: "1" });
        expect(inputs(primaryDatabase(result)).parameterGroupName).to.equal(
          inputs(single(result, types.parameterGroup)).name,
        );
      });

      it(`lets RDS generate the ${environment} master password into the vault under the vault's key`, async () => {
        const result = await planAws(environment);
        const db = inputs(primaryDatabase(result));
        expect(db.manageMasterUserPassword).to.equal(true);
        expect(db).to.not.have.property("password");
        const vaultKey = named(result, types.key, "-vault-secrets-key");
        expect(primaryDatabase(result).propertyDependencies.masterUserSecretKmsKeyId).to.include(
          vaultKey.urn,
        );
        const outputs = blind(result.recording.outputs) as Record<string, unknown>;
        expect(outputs.databaseCredentialsSecret).to.match(/^rds!db-/);
      });
    }

    const protectionCases: Array<{
      environment: Environment;
      deletionProtection: boolean;
      skipFinalSnapshot: boolean;
      retention: number;
      multiAz: boolean;
    }> = [
      {
        environment: "staging",
        deletionProtection: false,
        skipFinalSnapshot: true,
        retention: 7,
        multiAz: false,
      },
      {
        environment: "production",
        deletionProtection: true,
        skipFinalSnapshot: false,
        retention: 35,
        multiAz: true,
      },
    ];
    for (const c of protectionCases) {
      it(`${c.deletionProtection ? "protects" : "leaves destroyable"} the ${c.environment} database at the provider`, async () => {
        const result = await planAws(c.environment);
        const db = inputs(primaryDatabase(result));
        expect(db.deletionProtection).to.equal(c.deletionProtection);
        expect(db.skipFinalSnapshot).to.equal(c.skipFinalSnapshot);
        if (c.skipFinalSnapshot) expect(db).to.not.have.property("finalSnapshotIdentifier");
        else expect(db.finalSnapshotIdentifier).to.match(/^[a-z][a-z0-9-]*-final$/);
      });

      it(`keeps ${c.environment} backups ${c.retention} days (point-in-time recovery) with multiAz=${c.multiAz}`, async () => {
        const db = inputs(primaryDatabase(await planAws(c.environment)));
        expect(db.backupRetentionPeriod).to.equal(c.retention);
        expect(db.multiAz).to.equal(c.multiAz);
        expect(db.copyTagsToSnapshot).to.equal(true);
      });
    }

    it("copies production backups to the backup region under a key of that region", async () => {
      const result = await planAws("production");
      const replication = single(result, types.backupReplication);
      const key = named(result, types.key, "-database-backup-key");
      expect(inputs(replication).region).to.equal("us-west-2");
      expect(inputs(key).region).to.equal("us-west-2");
      expect(replication.propertyDependencies.kmsKeyId).to.include(key.urn);
      expect(inputs(replication).retentionPeriod).to.equal(35);
      expect(replication.protect).to.equal(true);
    });

    it("makes no cross-region copies in staging", async () => {
      expect(ofType(await planAws("staging"), types.backupReplication)).to.have.length(0);
    });

    it("gives production a private, encrypted read replica that the replica-lag alarm watches", async () => {
      const result = await planAws("production");
      const replica = named(result, types.rds, "-database-replica");
      expect(inputs(replica).publiclyAccessible).to.equal(false);
      expect(inputs(replica).storageEncrypted).to.equal(true);
      expect(inputs(replica).deletionProtection).to.equal(true);
      const alarm = named(result, "aws:cloudwatch/metricAlarm:MetricAlarm", "-replica-lag-alarm");
      expect(inputs(alarm).dimensions).to.deep.equal({
        DBInstanceIdentifier: inputs(replica).identifier,
      });
    });
  });

  describe("protection of stateful resources", () => {
    const stateful = [
      types.rds,
      types.key,
      types.secret,
      types.logGroup,
      types.bucket,
      types.collection,
    ];
    for (const environment of environments) {
      const protectedExpected = environment === "production";
      it(`${protectedExpected ? "protects and retains" : "neither protects nor retains"} every stateful resource in ${environment}`, async () => {
        const result = await planAws(environment, { "rag:vectorStoreEngine": "managed" });
        const resources = result.recording.resources.filter((r) => stateful.includes(r.type));
        expect(resources.length).to.be.greaterThan(8);
        for (const resource of resources) {
          expect(resource.protect, `${resource.urn} protect`).to.equal(protectedExpected);
          expect(resource.retainOnDelete, `${resource.urn} retainOnDelete`).to.equal(
            protectedExpected,
          );
        }
      });

      it(`rotates every ${environment} KMS key and ties its deletion window to protection`, async () => {
        const result = await planAws(environment);
        for (const key of ofType(result, types.key)) {
          expect(inputs(key).enableKeyRotation, key.urn).to.equal(true);
          expect(inputs(key).rotationPeriodInDays).to.be.within(90, 2560);
          expect(inputs(key).deletionWindowInDays).to.equal(protectedExpected ? 30 : 7);
        }
      });

      it(`sets EKS, log group and secret deletion guards to ${protectedExpected} in ${environment}`, async () => {
        const result = await planAws(environment);
        expect(inputs(single(result, types.eks)).deletionProtection).to.equal(protectedExpected);
        for (const group of ofType(result, types.logGroup)) {
          expect(inputs(group).deletionProtectionEnabled, group.urn).to.equal(protectedExpected);
        }
        for (const secret of ofType(result, types.secret)) {
          expect(inputs(secret).recoveryWindowInDays).to.equal(protectedExpected ? 30 : 0);
        }
        expect(inputs(single(result, types.bucket)).forceDestroy).to.equal(!protectedExpected);
      });
    }
  });

  describe("cluster", () => {
    for (const environment of environments) {
      it(`serves the ${environment} API privately, encrypts secrets and logs every control-plane stream`, async () => {
        const result = await planAws(environment);
        const cluster = inputs(single(result, types.eks));
        expect(cluster.vpcConfig.endpointPrivateAccess).to.equal(true);
        expect(cluster.vpcConfig.endpointPublicAccess).to.equal(false);
        expect(cluster.encryptionConfig.resources).to.deep.equal(["secrets"]);
        expect(single(result, types.eks).propertyDependencies.encryptionConfig).to.include(
          named(result, types.key, "-cluster-secrets-key").urn,
        );
        expect(cluster.enabledClusterLogTypes).to.have.members([
          "api",
          "audit",
          "authenticator",
          "controllerManager",
          "scheduler",
        ]);
        expect(cluster.accessConfig.authenticationMode).to.equal("API");
        expect(cluster.version).to.equal("1.33");
      });

      it(`spreads the ${environment} node group over the three private subnets`, async () => {
        const result = await planAws(environment);
        const group = inputs(single(result, types.nodeGroup));
        const privateSubnets = ofType(result, types.subnet).filter((s) =>
          /-private-\d$/.test(s.name),
        );
        expect(privateSubnets).to.have.length(3);
        expect(group.subnetIds).to.have.length(3);
        const expected = environment === "production" ? [3, 9, "m6i.xlarge"] : [2, 4, "m6i.large"];
        expect([
          group.scalingConfig.minSize,
          group.scalingConfig.maxSize,
          group.instanceTypes[0],
        ]).to.deep.equal(expected);
      });
    }

    it("opens the public endpoint only to the authorised networks when access is restricted", async () => {
      const result = await planAws("staging", {
        "rag:clusterEndpointAccess": "restricted",
        "rag:clusterAuthorizedNetworks": ["203.0.113.0/24"],
      });
      const vpc = inputs(single(result, types.eks)).vpcConfig;
      expect(vpc.endpointPublicAccess).to.equal(true);
      expect(vpc.endpointPrivateAccess).to.equal(true);
      expect(vpc.publicAccessCidrs).to.deep.equal(["203.0.113.0/24"]);
    });

    it("lets exactly the rag/rag-api service account assume the workload role", async () => {
      const result = await planAws("production");
      const role = named(result, types.role, "-cluster-workload-role");
      const trust = json(inputs(role).assumeRolePolicy);
      expect(trust.Statement).to.have.length(1);
      const [statement] = trust.Statement;
      expect(statement.Action).to.equal("sts:AssumeRoleWithWebIdentity");
      expect(statement.Principal.Federated).to.match(/:oidc-provider\/oidc\.eks\./);
      const conditions = statement.Condition.StringEquals as Record<string, string>;
      const sub = Object.entries(conditions).find(([key]) => key.endsWith(":sub"));
      expect(sub?.[1]).to.equal("system:serviceaccount:rag:rag-api");
      expect(Object.entries(conditions).find(([key]) => key.endsWith(":aud"))?.[1]).to.equal(
        "sts.amazonaws.com",
      );
    });

    it("builds the Kubernetes provider from a secret kubeconfig that authenticates with aws eks get-token", async () => {
      const result = await planAws("staging");
      const provider = single(result, types.k8sProvider);
      expect(blindedInputs(provider).kubeconfig).to.equal("[secret]");
      const kubeconfig = json(inputs(provider).kubeconfig);
      const exec = kubeconfig.users[0].user.exec;
      expect(exec.command).to.equal("aws");
      expect(exec.args.slice(0, 2)).to.deep.equal(["eks", "get-token"]);
      expect(exec.interactiveMode).to.equal("Never");
      expect((blind(result.recording.outputs) as Record<string, unknown>).kubeconfig).to.equal(
        "[secret]",
      );
    });

    it("installs Container Insights, the source of the node-health metric", async () => {
      const addon = inputs(single(await planAws("staging"), types.addon));
      expect(addon.addonName).to.equal("amazon-cloudwatch-observability");
    });
  });

  describe("cluster add-ons", () => {
    const addOns = [
      {
        what: "Cluster Autoscaler",
        chart: "cluster-autoscaler",
        version: "9.51.0",
        repo: "https://kubernetes.github.io/autoscaler",
        resource: "-cluster-autoscaler",
        serviceAccount: "cluster-autoscaler",
        account: (values: any) => values.rbac.serviceAccount,
      },
      {
        what: "AWS Load Balancer Controller",
        chart: "aws-load-balancer-controller",
        version: "1.14.1",
        repo: "https://aws.github.io/eks-charts",
        resource: "-app-hosting-lb-controller",
        serviceAccount: "aws-load-balancer-controller",
        account: (values: any) => values.serviceAccount,
      },
    ];
    const release = (result: PlanResult, chart: string) => {
      const found = ofType(result, types.release).filter((r) => inputs(r).chart === chart);
      expect(found, `release of ${chart}`).to.have.length(1);
      return found[0];
    };
    const policyOf = (result: PlanResult, resource: string) =>
      json(inputs(named(result, types.rolePolicy, `${resource}-policy`)).policy);
    const statementsWith = (policy: any, action: string) =>
      (policy.Statement as any[]).filter((s) => [s.Action].flat().includes(action));

    for (const environment of environments) {
      for (const addOn of addOns) {
        it(`installs the ${addOn.what} in kube-system from its pinned chart through the ${environment} cluster's provider`, async () => {
          const result = await planAws(environment);
          const provider = single(result, types.k8sProvider);
          const found = release(result, addOn.chart);
          const values = inputs(found);
          expect(found.provider.startsWith(`${provider.urn}::`)).to.equal(true);
          expect([values.version, values.repositoryOpts.repo]).to.deep.equal([
            addOn.version,
            addOn.repo,
          ]);
          expect(values.namespace).to.equal("kube-system");
        });

        it(`lets exactly the ${environment} ${addOn.what}'s service account assume its own IRSA role`, async () => {
          const result = await planAws(environment);
          const found = release(result, addOn.chart);
          const role = named(result, types.role, `${addOn.resource}-role`);
          const account = addOn.account(inputs(found).values);
          expect(account.name).to.equal(addOn.serviceAccount);
          expect(found.propertyDependencies.values).to.include(role.urn);
          expect(account.annotations).to.deep.equal({
            "eks.amazonaws.com/role-arn": `arn:aws:iam::123456789012:role/${inputs(role).name}`,
          });
          // The role's policy is in place before the chart starts the controller.
          const policy = named(result, types.rolePolicy, `${addOn.resource}-policy`);
          expect(found.dependencies).to.include(policy.urn);
          const trust = json(inputs(role).assumeRolePolicy);
          expect(trust.Statement).to.have.length(1);
          const [statement] = trust.Statement;
          expect(statement.Action).to.equal("sts:AssumeRoleWithWebIdentity");
          expect(statement.Principal.Federated).to.match(/:oidc-provider\/oidc\.eks\./);
          const conditions = Object.entries(statement.Condition.StringEquals as object);
          expect(conditions.find(([key]) => key.endsWith(":sub"))?.[1]).to.equal(
            `system:serviceaccount:kube-system:${addOn.serviceAccount}`,
          );
          expect(conditions.find(([key]) => key.endsWith(":aud"))?.[1]).to.equal(
            "sts.amazonaws.com",
          );
        });
      }

      it(`lets the ${environment} autoscaler change capacity only of this cluster's tagged groups`, async () => {
        const result = await planAws(environment);
        const clusterName = inputs(single(result, types.eks)).name;
        const policy = policyOf(result, "-cluster-autoscaler");
        for (const action of [
          "autoscaling:SetDesiredCapacity",
          "autoscaling:TerminateInstanceInAutoScalingGroup",
        ]) {
          const statements = statementsWith(policy, action);
          expect(statements, action).to.have.length(1);
          expect(statements[0].Condition.StringEquals).to.deep.equal({
            "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
            [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
          });
        }
        // Without a condition, only reads.
        for (const statement of (policy.Statement as any[]).filter((s) => !s.Condition)) {
          for (const action of statement.Action) {
            expect(action).to.match(/^[a-z0-9]+:(Describe|Get)/);
          }
        }
        const discovery = inputs(release(result, "cluster-autoscaler")).values.autoDiscovery;
        expect(discovery.clusterName).to.equal(clusterName);
        expect(discovery.tags).to.have.members([
          "k8s.io/cluster-autoscaler/enabled",
          `k8s.io/cluster-autoscaler/${clusterName}`,
        ]);
      });

      it(`lets the ${environment} controller create and delete only load balancers it tagged`, async () => {
        const result = await planAws(environment);
        const policy = policyOf(result, "-app-hosting-lb-controller");
        const owned = "elbv2.k8s.aws/cluster";
        for (const action of [
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:DeleteTargetGroup",
          "ec2:DeleteSecurityGroup",
        ]) {
          const statements = statementsWith(policy, action);
          expect(statements, action).to.have.length.greaterThan(0);
          for (const s of statements) {
            expect(s.Condition?.Null?.[`aws:ResourceTag/${owned}`], action).to.equal("false");
          }
        }
        for (const s of statementsWith(policy, "elasticloadbalancing:CreateLoadBalancer")) {
          expect(s.Condition?.Null?.[`aws:RequestTag/${owned}`]).to.equal("false");
        }
        const [linkedRole] = statementsWith(policy, "iam:CreateServiceLinkedRole");
        expect(linkedRole.Condition.StringEquals["iam:AWSServiceName"]).to.equal(
          "elasticloadbalancing.amazonaws.com",
        );
        const values = inputs(release(result, "aws-load-balancer-controller")).values;
        expect(values.clusterName).to.equal(inputs(single(result, types.eks)).name);
        expect(values.vpcId).to.match(/^vpc-/);
        expect(values.region).to.equal("us-east-1");
      });

      it(`makes the ${environment} Ingress wait for the AWS Load Balancer Controller`, async () => {
        const result = await planAws(environment);
        const ingress = single(result, types.ingress);
        expect(inputs(ingress).spec.ingressClassName).to.equal("alb");
        expect(ingress.dependencies).to.include(
          release(result, "aws-load-balancer-controller").urn,
        );
      });
    }
  });

  describe("vault", () => {
    for (const environment of environments) {
      it(`grants the ${environment} workload role read on exactly the platform's two secrets`, async () => {
        const result = await planAws(environment, { "rag:vectorStoreEngine": "managed" });
        const grant = named(result, types.rolePolicy, "-vault-rag-api-read");
        const policy = json(inputs(grant).policy);
        const read = policy.Statement.find((s: { Sid: string }) => s.Sid === "ReadPlatformSecrets");
        expect(read.Action).to.have.members([
          "secretsmanager:GetSecretValue",
          "secretsmanager:DescribeSecret",
        ]);
        expect(read.Resource).to.have.length(2);
        for (const arn of read.Resource as string[])
          expect(arn).to.match(/^arn:aws:secretsmanager:.+:secret:[^*]+$/);
        const decrypt = policy.Statement.find(
          (s: { Sid: string }) => s.Sid === "DecryptThroughSecretsManager",
        );
        expect(decrypt.Resource).to.match(/^arn:aws:kms:/);
        expect(inputs(grant).role).to.equal(
          inputs(named(result, types.role, "-cluster-workload-role")).name,
        );
      });

      it(`rotates the RDS-managed ${environment} secret on the vault's schedule`, async () => {
        const result = await planAws(environment);
        const rotation = inputs(single(result, types.rotation));
        expect(rotation.secretId).to.match(/:secret:rds!db-/);
        expect(rotation.rotationRules.automaticallyAfterDays).to.equal(30);
      });

      it(`records ${environment} secret access in an encrypted, versioned, private trail archive`, async () => {
        const result = await planAws(environment);
        const block = inputs(single(result, types.publicAccess));
        expect([
          block.blockPublicAcls,
          block.blockPublicPolicy,
          block.ignorePublicAcls,
          block.restrictPublicBuckets,
        ]).to.deep.equal([true, true, true, true]);
        expect(inputs(single(result, types.versioning)).versioningConfiguration.status).to.equal(
          "Enabled",
        );
        const sse = inputs(single(result, types.bucketEncryption)).rules[0]
          .applyServerSideEncryptionByDefault;
        expect(sse.sseAlgorithm).to.equal("aws:kms");
        const trail = inputs(single(result, types.trail));
        expect(trail.enableLogFileValidation).to.equal(true);
        expect(trail.kmsKeyId).to.match(/^arn:aws:kms:/);
        expect(trail.cloudWatchLogsGroupArn).to.match(/audit-trail:\*$/);
      });
    }

    it("alarms when a principal other than the workload role reads a platform secret", async () => {
      const result = await planAws("production");
      const filter = inputs(single(result, "aws:cloudwatch/logMetricFilter:LogMetricFilter"));
      const role = inputs(named(result, types.role, "-cluster-workload-role")).name as string;
      expect(filter.pattern).to.include('($.eventName = "GetSecretValue")');
      expect(filter.pattern).to.include(
        `sessionIssuer.arn != "arn:aws:iam::123456789012:role/${role}"`,
      );
      expect(filter.pattern).to.match(/secretId = "rds!db-/);
      const alarm = named(result, "aws:cloudwatch/metricAlarm:MetricAlarm", "-secret-read-alarm");
      expect(inputs(alarm).metricName).to.equal(filter.metricTransformation.name);
      expect(inputs(alarm).alarmActions).to.deep.equal([
        inputs(single(result, types.topic)).name.replace(
          /^/,
          "arn:aws:sns:us-east-1:123456789012:",
        ),
      ]);
    });

    it("stores secrets only as Pulumi secrets", async () => {
      const result = await planAws("staging", { "rag:vectorStoreEngine": "managed" });
      const versions = ofType(result, "aws:secretsmanager/secretVersion:SecretVersion");
      expect(versions).to.have.length(1);
      expect(blindedInputs(versions[0]).secretString).to.equal("[secret]");
      expect(inputs(versions[0]).secretString).to.not.match(/password/i);
    });
  });

  describe("vector store", () => {
    it("uses the platform database for pgvector, with the database's credentials", async () => {
      const result = await planAws("staging");
      const outputs = result.recording.outputs as Record<string, any>;
      expect(outputs.vectorStore.engine).to.equal("pgvector");
      expect(outputs.vectorStore.endpoint).to.equal(outputs.databaseHost);
      expect(outputs.vectorStore.credentialsSecret).to.equal(outputs.databaseCredentialsSecret);
      expect(ofType(result, types.collection)).to.have.length(0);
    });

    it("keeps the managed collection on the vault's key and off the internet", async () => {
      const result = await planAws("production", { "rag:vectorStoreEngine": "managed" });
      expect(inputs(single(result, types.collection)).type).to.equal("VECTORSEARCH");
      const policies = ofType(result, types.securityPolicy).map((p) => inputs(p));
      const encryption = json(policies.find((p) => p.type === "encryption")!.policy);
      expect(encryption.AWSOwnedKey).to.equal(false);
      expect(encryption.KmsARN).to.match(/^arn:aws:kms:/);
      const network = json(policies.find((p) => p.type === "network")!.policy);
      expect(network[0].AllowFromPublic).to.equal(false);
      expect(network[0].SourceVPCEs).to.have.length(1);
      const access = json(inputs(single(result, types.accessPolicy)).policy);
      expect(access[0].Principal).to.deep.equal([
        inputs(named(result, types.role, "-cluster-workload-role")).name.replace(
          /^/,
          "arn:aws:iam::123456789012:role/",
        ),
      ]);
    });
  });

  describe("monitoring", () => {
    const required = alertSignals.filter((s) => s !== "vector-store-errors");
    for (const environment of environments) {
      it(`alerts on every ${environment} signal within ${maxDetectionSeconds}s`, async () => {
        const result = await planAws(environment, { "rag:vectorStoreEngine": "managed" });
        const alerts = (result.recording.outputs.alerts ?? []) as Array<{
          signal: string;
          detectionSeconds: number;
        }>;
        const expected =
          environment === "production"
            ? [...required, "vector-store-errors"]
            : [...required.filter((s) => s !== "database-replica-lag"), "vector-store-errors"];
        expect(alerts.map((a) => a.signal)).to.have.members(expected);
        for (const alert of alerts)
          expect(alert.detectionSeconds).to.be.at.most(maxDetectionSeconds);
      });

      it(`encrypts every ${environment} log group and keeps it for the profile's retention`, async () => {
        const result = await planAws(environment);
        const retention = environment === "production" ? 365 : 30;
        const groups = ofType(result, types.logGroup);
        expect(groups.map((g) => inputs(g).name)).to.include.members([
          "/aws/eks/" + inputs(single(result, types.eks)).name + "/cluster",
        ]);
        for (const group of groups) {
          expect(inputs(group).retentionInDays, group.urn).to.equal(retention);
          expect(inputs(group).kmsKeyId, group.urn).to.match(/^arn:aws:kms:/);
        }
      });
    }

    it("subscribes each alert e-mail to the encrypted topic and records VPC flow logs", async () => {
      const result = await planAws("staging", {
        "rag:alertEmails": ["a@example.com", "b@example.com"],
      });
      const subscriptions = ofType(result, "aws:sns/topicSubscription:TopicSubscription").map((s) =>
        inputs(s),
      );
      expect(subscriptions.map((s) => s.endpoint)).to.deep.equal([
        "a@example.com",
        "b@example.com",
      ]);
      expect(inputs(single(result, types.topic)).kmsMasterKeyId).to.match(/^arn:aws:kms:/);
      expect(inputs(single(result, types.flowLog)).trafficType).to.equal("ALL");
    });

    it("draws one dashboard widget per registered alarm", async () => {
      const result = await planAws("production");
      const body = json(inputs(single(result, "aws:cloudwatch/dashboard:Dashboard")).dashboardBody);
      const alerts = result.recording.outputs.alerts as unknown[];
      expect(body.widgets).to.have.length(alerts.length);
    });
  });

  describe("network", () => {
    const natCases: Array<{ environment: Environment; gateways: number }> = [
      { environment: "staging", gateways: 1 },
      { environment: "production", gateways: 3 },
    ];
    for (const c of natCases) {
      it(`gives ${c.environment} ${c.gateways} NAT gateway(s) and tags private subnets for internal load balancers`, async () => {
        const result = await planAws(c.environment);
        expect(ofType(result, types.natGateway)).to.have.length(c.gateways);
        const privateSubnets = ofType(result, types.subnet).filter((s) =>
          /-private-\d$/.test(s.name),
        );
        for (const subnet of privateSubnets) {
          expect(inputs(subnet).tags["kubernetes.io/role/internal-elb"]).to.equal("1");
          expect(inputs(subnet).mapPublicIpOnLaunch).to.equal(false);
        }
        const publicSubnets = ofType(result, types.subnet).filter((s) =>
          /-public-\d$/.test(s.name),
        );
        expect(publicSubnets).to.have.length(3);
        for (const subnet of publicSubnets) {
          // Where the load balancer controller places the internet-facing ALB of the Ingress.
          expect(inputs(subnet).tags["kubernetes.io/role/elb"]).to.equal("1");
          expect(inputs(subnet).mapPublicIpOnLaunch).to.equal(false);
        }
      });
    }

    it("carves three private and three public subnets inside the VPC range without overlap", () => {
      expect(subnetPlan("10.40.0.0/16")).to.deep.equal({
        privateCidrs: ["10.40.0.0/18", "10.40.64.0/18", "10.40.128.0/18"],
        publicCidrs: ["10.40.192.0/21", "10.40.200.0/21", "10.40.208.0/21"],
      });
    });
  });

  describe("zones", () => {
    for (const environment of environments) {
      it(`refuses us-west-1, where accounts get two zones, before declaring anything in ${environment}`, async () => {
        let failure: unknown;
        try {
          await plan(configFor("aws", environment, { "aws:region": "us-west-1" }));
        } catch (error) {
          failure = error;
        }
        expect(failure).to.be.instanceOf(ConfigError);
        expect(String(failure)).to.match(
          /`aws:region`: expected a region where the account has at least 3 Availability Zones.*; got "us-west-1" \(2 zones for most accounts\)\. Use us-west-2 or us-east-2\./,
        );
      });
    }

    it("places the three private and public subnets in three distinct zones of the region", async () => {
      const result = await planAws("staging");
      for (const role of ["private", "public"]) {
        const zones = ofType(result, types.subnet)
          .filter((s) => new RegExp(`-${role}-\\d$`).test(s.name))
          .map((s) => inputs(s).availabilityZone);
        expect(zones, role).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"]);
      }
    });

    it("answers us-west-1 with its two zones offline, as AWS does for new accounts", () => {
      const zones = awsFixtures.invokes["aws:index/getAvailabilityZones:getAvailabilityZones"]({
        region: "us-west-1",
      });
      expect(zones.names).to.deep.equal(["us-west-1a", "us-west-1c"]);
      expect(zones.zoneIds).to.deep.equal(["usw1-az1", "usw1-az3"]);
    });

    it("fails the program naming the region and the count when the account has too few zones", async () => {
      // The config check refuses us-west-1, so the network is declared on its own under the
      // offline fixtures, which answer us-west-1 with its two zones.
      let failure: unknown;
      try {
        await recordProgram({
          project: "rag",
          stack: "zones",
          config: {},
          secretKeys: [],
          fixtures: fixtureSets,
          program: async () => {
            new AwsNetwork("net", {
              settings: { cidr: "10.40.0.0/16", natPerZone: true },
              naming: new Naming("rag", "zones"),
              tags: {},
              region: "us-west-1",
              environment: "production",
              providerConfig: { "aws:region": "us-west-1" },
            });
            return {};
          },
        });
      } catch (error) {
        failure = error;
      }
      expect(String(failure)).to.match(
        /AWS region us-west-1 offers this account 2 available zone\(s\) \(us-west-1a, us-west-1c\).* over 3\. Choose another `aws:region`/,
      );
    });

    it("takes the first three zones and refuses fewer", () => {
      expect(pickZones(["r1a", "r1b", "r1c", "r1d"], "r1")).to.deep.equal(["r1a", "r1b", "r1c"]);
      expect(() => pickZones(["r1a", "r1b"], "r1")).to.throw(/region r1 offers this account 2/);
      expect(() => pickZones([], "r1")).to.throw(/0 available zone\(s\) \(none\)/);
    });
  });

  describe("names", () => {
    const longStack = "production-eu-central-1-customer-facing-retrieval-augmented-generation";
    const naming = new Naming("rag", longStack);
    const kinds = Object.keys(awsNameRules) as Array<keyof typeof awsNameRules>;
    for (const kind of kinds) {
      it(`keeps ${kind} names within AWS's limit for a long stack name`, () => {
        const rule = awsNameRules[kind];
        const name = awsName(naming, "database-replica", kind);
        expect(name.length).to.be.at.most(rule.maxLength - ("reserve" in rule ? rule.reserve : 0));
        expect(name).to.match(/^[a-zA-Z]/);
        expect(name).to.not.match(/--|-$|__/);
      });
    }
  });
});
