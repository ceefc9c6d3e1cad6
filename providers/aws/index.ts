import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import type { CloudBackend } from "../../src/contracts/backend";
import { AwsAppHosting } from "./appHosting";
import { AwsCluster } from "./cluster";
import { AwsDatabase } from "./database";
import type { AwsAccount } from "./kms";
import { AwsMonitoring } from "./monitoring";
import { AwsNetwork } from "./network";
import { awsRules } from "./rules";
import { AwsVault } from "./vault";
import { AwsVectorStore } from "./vectorStore";

/**
 * The AWS backend. The foundation is the VPC and the account it lives in; the factories close
 * over both, and over the cluster once declared (the managed vector store grants its workload
 * identity access).
 */
export const awsBackend: CloudBackend = {
  cloud: "aws",
  ...awsRules,
  createFoundation(name, args, opts) {
    const network = new AwsNetwork(name, args, opts);
    const account: AwsAccount = {
      accountId: getCallerIdentityOutput({}, { parent: network }).accountId,
      partition: getPartitionOutput({}, { parent: network }).partition,
    };
    const shared = { account, network };
    let cluster: AwsCluster | undefined;

    return {
      network,
      createMonitoring: (childName, childArgs, childOpts) =>
        new AwsMonitoring(
          childName,
          { ...childArgs, account, vpcId: network.networkId },
          childOpts,
        ),
      createVault: (childName, childArgs, childOpts) =>
        new AwsVault(childName, { ...childArgs, account }, childOpts),
      createCluster: (childName, childArgs, childOpts) => {
        cluster = new AwsCluster(childName, { ...childArgs, ...shared }, childOpts);
        return cluster;
      },
      createDatabase: (childName, childArgs, childOpts) =>
        new AwsDatabase(childName, { ...childArgs, ...shared }, childOpts),
      createVectorStore: (childName, childArgs, childOpts) =>
        new AwsVectorStore(
          childName,
          { ...childArgs, ...shared, workloadIdentity: cluster?.workloadIdentity },
          childOpts,
        ),
      createAppHosting: (childName, childArgs, childOpts) => {
        // The Load Balancer Controller is installed on the cluster, so it must exist first.
        if (cluster === undefined) throw new Error("createAppHosting: call createCluster first");
        return new AwsAppHosting(childName, { ...childArgs, ...shared, cluster }, childOpts);
      },
    };
  },
};
