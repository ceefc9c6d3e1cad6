import type { CloudFixtures, Inputs } from "../../src/plan/fixtures";

/**
 * Fixed answers of the offline plan for GCP: the project (id from the stack's `gcp:project`,
 * a fixed project number), three zones per region, and the outputs GCP computes for the
 * resources whose outputs the program reads. Plain data; imports no SDK.
 */

export const fixtureProjectNumber = "123456789012";
const fallbackProject = "rag-project";

/** A base64 PEM-shaped placeholder; kubeconfigs only need it to be present and well formed. */
const fixtureCaCertificate = Buffer.from(
  "-----BEGIN CERTIFICATE-----\nMIIBfixtureGkeClusterCa\n-----END CERTIFICATE-----\n",
).toString("base64");

function text(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

const serviceAgentDomains: Record<string, string> = {
  "sqladmin.googleapis.com": "gcp-sa-cloud-sql",
  "secretmanager.googleapis.com": "gcp-sa-secretmanager",
  "aiplatform.googleapis.com": "gcp-sa-aiplatform",
  "container.googleapis.com": "container-engine-robot",
};

function serviceAccountOutputs(inputs: Inputs): Inputs {
  const project = text(inputs.project, fallbackProject);
  const email = `${text(inputs.accountId, "account")}@${project}.iam.gserviceaccount.com`;
  return {
    email,
    member: `serviceAccount:${email}`,
    name: `projects/${project}/serviceAccounts/${email}`,
    uniqueId: "104857600000000000001",
  };
}

export const gcpFixtures: CloudFixtures = {
  invokes: {
    "gcp:organizations/getProject:getProject": (args) => {
      const projectId = text(args.projectId, fallbackProject);
      return {
        id: `projects/${projectId}`,
        projectId,
        name: projectId,
        number: fixtureProjectNumber,
        labels: {},
        effectiveLabels: {},
        pulumiLabels: {},
        tags: {},
        autoCreateNetwork: false,
        billingAccount: "",
        deletionPolicy: "PREVENT",
        folderId: "",
        orgId: "",
      };
    },
    "gcp:compute/getZones:getZones": (args) => {
      const region = text(args.region, "europe-west4");
      return {
        id: `projects/${text(args.project, fallbackProject)}/regions/${region}`,
        names: ["a", "b", "c"].map((zone) => `${region}-${zone}`),
        project: text(args.project, fallbackProject),
        region,
      };
    },
  },
  resourceOutputs: {
    "gcp:container/cluster:Cluster": (name, inputs) => ({
      name: text(inputs.name, name),
      // A private endpoint's address in the platform's range, as GKE would assign it.
      endpoint: "10.40.224.2",
      masterAuth: {
        clusterCaCertificate: fixtureCaCertificate,
        clientCertificate: "",
        clientKey: "",
      },
      selfLink: `https://container.googleapis.com/v1/projects/${text(inputs.project, fallbackProject)}/locations/${text(inputs.location, "europe-west4")}/clusters/${text(inputs.name, name)}`,
    }),
    "gcp:sql/databaseInstance:DatabaseInstance": (name, inputs) => {
      const instance = text(inputs.name, name);
      const project = text(inputs.project, fallbackProject);
      return {
        name: instance,
        privateIpAddress: "10.40.128.3",
        connectionName: `${project}:${text(inputs.region, "europe-west4")}:${instance}`,
        selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${instance}`,
      };
    },
    "gcp:serviceaccount/account:Account": (_name, inputs) => serviceAccountOutputs(inputs),
    "gcp:projects/serviceIdentity:ServiceIdentity": (_name, inputs) => {
      const domain = serviceAgentDomains[text(inputs.service, "")] ?? "gcp-sa-unknown";
      const email = `service-${fixtureProjectNumber}@${domain}.iam.gserviceaccount.com`;
      return { email, member: `serviceAccount:${email}` };
    },
    "gcp:secretmanager/secret:Secret": (name, inputs) => {
      const project = text(inputs.project, fallbackProject);
      const secretId = text(inputs.secretId, name);
      return { secretId, name: `projects/${fixtureProjectNumber}/secrets/${secretId}`, project };
    },
    "gcp:pubsub/topic:Topic": (name, inputs) => ({ name: text(inputs.name, name) }),
    "gcp:kms/keyRing:KeyRing": (name, inputs) => ({ name: text(inputs.name, name) }),
    "gcp:kms/cryptoKey:CryptoKey": (name, inputs) => ({ name: text(inputs.name, name) }),
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": (_name, inputs) => ({
      name: `projects/${text(inputs.project, fallbackProject)}/locations/${text(inputs.location, "global")}/buckets/${text(inputs.bucketId, "_Default")}`,
    }),
    "gcp:monitoring/notificationChannel:NotificationChannel": (name, inputs) => ({
      name: `projects/${text(inputs.project, fallbackProject)}/notificationChannels/${name}`,
    }),
    "gcp:monitoring/alertPolicy:AlertPolicy": (name, inputs) => ({
      name: `projects/${text(inputs.project, fallbackProject)}/alertPolicies/${name}`,
    }),
    "gcp:compute/network:Network": (name, inputs) => ({
      name: text(inputs.name, name),
      selfLink: `https://www.googleapis.com/compute/v1/projects/${text(inputs.project, fallbackProject)}/global/networks/${text(inputs.name, name)}`,
    }),
    "gcp:compute/globalAddress:GlobalAddress": (name, inputs) => ({
      name: text(inputs.name, name),
    }),
    "gcp:compute/router:Router": (name, inputs) => ({ name: text(inputs.name, name) }),
    "gcp:vertex/aiIndex:AiIndex": (name) => ({ name: `${name}-1234567890` }),
    "gcp:vertex/aiIndexEndpoint:AiIndexEndpoint": (name) => ({ name: `${name}-9876543210` }),
    "gcp:vertex/aiIndexEndpointDeployedIndex:AiIndexEndpointDeployedIndex": () => ({
      privateEndpoints: [
        { matchGrpcAddress: "10.40.129.5", pscAutomatedEndpoints: [], serviceAttachment: "" },
      ],
    }),
  },
  id(type, name, inputs) {
    const project = text(inputs.project, fallbackProject);
    switch (type) {
      case "gcp:kms/keyRing:KeyRing":
        return `projects/${project}/locations/${text(inputs.location, "europe-west4")}/keyRings/${text(inputs.name, name)}`;
      case "gcp:kms/cryptoKey:CryptoKey":
        return `${text(inputs.keyRing, "keyring")}/cryptoKeys/${text(inputs.name, name)}`;
      case "gcp:secretmanager/secret:Secret":
        return `projects/${project}/secrets/${text(inputs.secretId, name)}`;
      case "gcp:pubsub/topic:Topic":
        return `projects/${project}/topics/${text(inputs.name, name)}`;
      case "gcp:compute/network:Network":
        return `projects/${project}/global/networks/${text(inputs.name, name)}`;
      case "gcp:compute/subnetwork:Subnetwork":
        return `projects/${project}/regions/${text(inputs.region, "europe-west4")}/subnetworks/${text(inputs.name, name)}`;
      case "gcp:container/cluster:Cluster":
        return `projects/${project}/locations/${text(inputs.location, "europe-west4")}/clusters/${text(inputs.name, name)}`;
      case "gcp:vertex/aiIndex:AiIndex":
        return `projects/${project}/locations/${text(inputs.region, "europe-west4")}/indexes/${name}-1234567890`;
      case "gcp:vertex/aiIndexEndpoint:AiIndexEndpoint":
        return `projects/${project}/locations/${text(inputs.region, "europe-west4")}/indexEndpoints/${name}-9876543210`;
      default:
        return `${name}-id`;
    }
  },
};
