import type { CloudFixtures, Inputs } from "../../src/plan/fixtures";

/**
 * Offline answers of the Azure backend: the invokes it calls (client config, AKS user
 * credentials) and what Azure computes for the resources whose outputs the code reads (ARM ids,
 * names, Key Vault and key URIs, identity ids, the AKS OIDC issuer and FQDNs, the PostgreSQL
 * host). Plain data: every value is a deterministic function of the resource's name and inputs.
 */

export const fixtureTenantId = "00000000-0000-4000-8000-0000000000a1";
export const fixtureSubscriptionId = "00000000-0000-4000-8000-0000000000b2";
/** Object id of the identity that runs `pulumi up` in the fixtures. */
export const fixtureDeployerObjectId = "00000000-0000-4000-8000-0000000000c3";
const fixtureClientId = "00000000-0000-4000-8000-0000000000d4";

/** A short deterministic hex string derived from `text` (FNV-1a). */
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
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function text(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

/** How each resource type is addressed in ARM: provider path and the input holding its name. */
interface ArmShape {
  /** Path below the resource group (or below `scope` / `resourceUri` for extension resources). */
  path: (name: string, inputs: Inputs) => string;
  nameKey: string;
  /** Extension resources hang off another resource's id instead of a resource group. */
  scopeKey?: string;
}

const shapes: Record<string, ArmShape> = {
  "azure-native:network:VirtualNetwork": {
    nameKey: "virtualNetworkName",
    path: (n) => `Microsoft.Network/virtualNetworks/${n}`,
  },
  "azure-native:network:Subnet": {
    nameKey: "subnetName",
    path: (n, i) =>
      `Microsoft.Network/virtualNetworks/${text(i.virtualNetworkName, "vnet")}/subnets/${n}`,
  },
  "azure-native:network:PublicIPAddress": {
    nameKey: "publicIpAddressName",
    path: (n) => `Microsoft.Network/publicIPAddresses/${n}`,
  },
  "azure-native:network:NatGateway": {
    nameKey: "natGatewayName",
    path: (n) => `Microsoft.Network/natGateways/${n}`,
  },
  "azure-native:network:PrivateEndpoint": {
    nameKey: "privateEndpointName",
    path: (n) => `Microsoft.Network/privateEndpoints/${n}`,
  },
  "azure-native:network:PrivateDnsZoneGroup": {
    nameKey: "privateDnsZoneGroupName",
    path: (n, i) =>
      `Microsoft.Network/privateEndpoints/${text(i.privateEndpointName, "pe")}/privateDnsZoneGroups/${n}`,
  },
  "azure-native:privatedns:PrivateZone": {
    nameKey: "privateZoneName",
    path: (n) => `Microsoft.Network/privateDnsZones/${n}`,
  },
  "azure-native:privatedns:VirtualNetworkLink": {
    nameKey: "virtualNetworkLinkName",
    path: (n, i) =>
      `Microsoft.Network/privateDnsZones/${text(i.privateZoneName, "zone")}/virtualNetworkLinks/${n}`,
  },
  "azure-native:operationalinsights:Workspace": {
    nameKey: "workspaceName",
    path: (n) => `Microsoft.OperationalInsights/workspaces/${n}`,
  },
  "azure-native:applicationinsights:Component": {
    nameKey: "resourceName",
    path: (n) => `Microsoft.Insights/components/${n}`,
  },
  "azure-native:applicationinsights:Workbook": {
    nameKey: "resourceName",
    path: (n) => `Microsoft.Insights/workbooks/${n}`,
  },
  "azure-native:monitor:ActionGroup": {
    nameKey: "actionGroupName",
    path: (n) => `Microsoft.Insights/actionGroups/${n}`,
  },
  "azure-native:monitor:MetricAlert": {
    nameKey: "ruleName",
    path: (n) => `Microsoft.Insights/metricAlerts/${n}`,
  },
  "azure-native:monitor:ScheduledQueryRule": {
    nameKey: "ruleName",
    path: (n) => `Microsoft.Insights/scheduledQueryRules/${n}`,
  },
  "azure-native:monitor:DiagnosticSetting": {
    nameKey: "name",
    scopeKey: "resourceUri",
    path: (n) => `Microsoft.Insights/diagnosticSettings/${n}`,
  },
  "azure-native:keyvault:Vault": {
    nameKey: "vaultName",
    path: (n) => `Microsoft.KeyVault/vaults/${n}`,
  },
  "azure-native:keyvault:Key": {
    nameKey: "keyName",
    path: (n, i) => `Microsoft.KeyVault/vaults/${text(i.vaultName, "kv")}/keys/${n}`,
  },
  "azure-native:keyvault:Secret": {
    nameKey: "secretName",
    path: (n, i) => `Microsoft.KeyVault/vaults/${text(i.vaultName, "kv")}/secrets/${n}`,
  },
  "azure-native:managedidentity:UserAssignedIdentity": {
    nameKey: "resourceName",
    path: (n) => `Microsoft.ManagedIdentity/userAssignedIdentities/${n}`,
  },
  "azure-native:managedidentity:FederatedIdentityCredential": {
    nameKey: "federatedIdentityCredentialResourceName",
    path: (n, i) =>
      `Microsoft.ManagedIdentity/userAssignedIdentities/${text(i.resourceName, "id")}/federatedIdentityCredentials/${n}`,
  },
  "azure-native:authorization:RoleAssignment": {
    nameKey: "roleAssignmentName",
    scopeKey: "scope",
    path: (n) => `Microsoft.Authorization/roleAssignments/${n}`,
  },
  "azure-native:authorization:ManagementLockByScope": {
    nameKey: "lockName",
    scopeKey: "scope",
    path: (n) => `Microsoft.Authorization/locks/${n}`,
  },
  "azure-native:containerservice:ManagedCluster": {
    nameKey: "resourceName",
    path: (n) => `Microsoft.ContainerService/managedClusters/${n}`,
  },
  "azure-native:dbforpostgresql:Server": {
    nameKey: "serverName",
    path: (n) => `Microsoft.DBforPostgreSQL/flexibleServers/${n}`,
  },
  "azure-native:dbforpostgresql:Configuration": {
    nameKey: "configurationName",
    path: (n, i) =>
      `Microsoft.DBforPostgreSQL/flexibleServers/${text(i.serverName, "db")}/configurations/${n}`,
  },
  "azure-native:dbforpostgresql:Database": {
    nameKey: "databaseName",
    path: (n, i) =>
      `Microsoft.DBforPostgreSQL/flexibleServers/${text(i.serverName, "db")}/databases/${n}`,
  },
  "azure-native:search:Service": {
    nameKey: "searchServiceName",
    path: (n) => `Microsoft.Search/searchServices/${n}`,
  },
  "azure-native:storage:StorageAccount": {
    nameKey: "accountName",
    path: (n) => `Microsoft.Storage/storageAccounts/${n}`,
  },
  "azure-native:storage:BlobContainer": {
    nameKey: "containerName",
    path: (n, i) =>
      `Microsoft.Storage/storageAccounts/${text(i.accountName, "st")}/blobServices/default/containers/${n}`,
  },
};

/** The name Azure gives a resource: its name input, or a GUID where ARM wants one. */
function physicalName(type: string, name: string, inputs: Inputs): string {
  const shape = shapes[type];
  if (type === "azure-native:authorization:RoleAssignment")
    return text(inputs.roleAssignmentName, uuid(name));
  return text(shape ? inputs[shape.nameKey] : undefined, name);
}

function armId(type: string, name: string, inputs: Inputs): string {
  if (type === "azure-native:resources:ResourceGroup") {
    return `/subscriptions/${fixtureSubscriptionId}/resourceGroups/${text(inputs.resourceGroupName, name)}`;
  }
  const shape = shapes[type];
  const physical = physicalName(type, name, inputs);
  if (shape === undefined) {
    return `/subscriptions/${fixtureSubscriptionId}/providers/${type}/${physical}`;
  }
  const base = shape.scopeKey
    ? text(inputs[shape.scopeKey], `/subscriptions/${fixtureSubscriptionId}`)
    : `/subscriptions/${fixtureSubscriptionId}/resourceGroups/${text(inputs.resourceGroupName, "rg")}`;
  return `${base}/providers/${shape.path(physical, inputs)}`;
}

/** A small kubeconfig like the one AKS returns for `format: exec`, before the backend rewrites it. */
function aksKubeconfig(clusterName: string): string {
  const server = `https://${clusterName}-dns-${hex(clusterName, 8)}.privatelink.westeurope.azmk8s.io:443`;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${clusterName}`,
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${Buffer.from(`fixture-ca-${clusterName}`).toString("base64")}`,
    "contexts:",
    `- name: ${clusterName}`,
    "  context:",
    `    cluster: ${clusterName}`,
    `    user: clusterUser_${clusterName}`,
    `current-context: ${clusterName}`,
    "users:",
    `- name: clusterUser_${clusterName}`,
    "  user:",
    "    exec:",
    "      apiVersion: client.authentication.k8s.io/v1beta1",
    "      command: kubelogin",
    "      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]",
    "",
  ].join("\n");
}

export const azureFixtures: CloudFixtures = {
  invokes: {
    "azure-native:authorization:getClientConfig": () => ({
      clientId: fixtureClientId,
      objectId: fixtureDeployerObjectId,
      subscriptionId: fixtureSubscriptionId,
      tenantId: fixtureTenantId,
    }),
    "azure-native:containerservice:listManagedClusterUserCredentials": (args) => ({
      kubeconfigs: [
        {
          name: "clusterUser",
          value: Buffer.from(aksKubeconfig(text(args.resourceName, "aks"))).toString("base64"),
        },
      ],
    }),
  },
  resourceOutputs: {
    "azure-native:keyvault:Vault": (name, inputs) => {
      const vaultName = physicalName("azure-native:keyvault:Vault", name, inputs);
      const properties = (inputs.properties ?? {}) as Inputs;
      return {
        name: vaultName,
        properties: { ...properties, vaultUri: `https://${vaultName}.vault.azure.net/` },
      };
    },
    "azure-native:keyvault:Key": (name, inputs) => {
      const keyName = physicalName("azure-native:keyvault:Key", name, inputs);
      const keyUri = `https://${text(inputs.vaultName, "kv")}.vault.azure.net/keys/${keyName}`;
      return { name: keyName, keyUri, keyUriWithVersion: `${keyUri}/${hex(keyUri, 32)}` };
    },
    "azure-native:keyvault:Secret": (name, inputs) => {
      const secretName = physicalName("azure-native:keyvault:Secret", name, inputs);
      const secretUri = `https://${text(inputs.vaultName, "kv")}.vault.azure.net/secrets/${secretName}`;
      const properties = (inputs.properties ?? {}) as Inputs;
      return {
        name: secretName,
        properties: {
          ...properties,
          secretUri,
          secretUriWithVersion: `${secretUri}/${hex(secretUri, 32)}`,
        },
      };
    },
    "azure-native:managedidentity:UserAssignedIdentity": (name, inputs) => ({
      name: physicalName("azure-native:managedidentity:UserAssignedIdentity", name, inputs),
      principalId: uuid(`${name}/principal`),
      clientId: uuid(`${name}/client`),
      tenantId: fixtureTenantId,
    }),
    "azure-native:containerservice:ManagedCluster": (name, inputs) => {
      const clusterName = physicalName(
        "azure-native:containerservice:ManagedCluster",
        name,
        inputs,
      );
      const location = text(inputs.location, "westeurope");
      const dns = `${text(inputs.dnsPrefix, clusterName)}-${hex(clusterName, 8)}`;
      return {
        name: clusterName,
        fqdn: `${dns}.hcp.${location}.azmk8s.io`,
        privateFQDN: `${dns}.privatelink.${location}.azmk8s.io`,
        azurePortalFQDN: `${dns}.portal.hcp.${location}.azmk8s.io`,
        oidcIssuerProfile: {
          enabled: true,
          issuerURL: `https://${location}.oic.prod-aks.azure.com/${fixtureTenantId}/${uuid(clusterName)}/`,
        },
      };
    },
    "azure-native:dbforpostgresql:Server": (name, inputs) => {
      const serverName = physicalName("azure-native:dbforpostgresql:Server", name, inputs);
      return {
        name: serverName,
        fullyQualifiedDomainName: `${serverName}.postgres.database.azure.com`,
      };
    },
    "azure-native:applicationinsights:Component": (name, inputs) => {
      const key = uuid(`${name}/instrumentation`);
      return {
        name: physicalName("azure-native:applicationinsights:Component", name, inputs),
        instrumentationKey: key,
        connectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${text(inputs.location, "westeurope")}.in.applicationinsights.azure.com/`,
      };
    },
    "azure-native:operationalinsights:Workspace": (name, inputs) => ({
      name: physicalName("azure-native:operationalinsights:Workspace", name, inputs),
      customerId: uuid(`${name}/customer`),
    }),
    "azure-native:search:Service": (name, inputs) => {
      const serviceName = physicalName("azure-native:search:Service", name, inputs);
      return { name: serviceName, endpoint: `https://${serviceName}.search.windows.net` };
    },
  },
  defaultOutputs: (type, name, inputs) => ({
    name:
      type === "azure-native:resources:ResourceGroup"
        ? text(inputs.resourceGroupName, name)
        : physicalName(type, name, inputs),
  }),
  id: (type, name, inputs) => armId(type, name, inputs),
};
