import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { cloudRules } from "../providers";
import { ConfigError } from "../src/config/issues";
import { configKeys, type ConfigKey } from "../src/config/keys";
import { loadConfig, type LoadedConfig } from "../src/config/load";
import type { EnvironmentProfile } from "../src/config/settings";
import { parseStackFile } from "../src/plan/stackFile";
import { profiles } from "../stacks";
import { configFor, type StackConfig } from "./harness";

const source = "Pulumi.test.yaml";

function load(config: StackConfig): LoadedConfig {
  const raw = parseStackFile(stringify({ config }), "rag", source);
  return loadConfig(raw, source, (cloud) => cloudRules[cloud]);
}

/** Two distinct values of each kind, to find where a key writes into a profile. */
const samples: Record<ConfigKey["kind"], [unknown, unknown]> = {
  string: ["a", "b"],
  integer: [1, 2],
  boolean: [true, false],
  array: [["a"], ["b"]],
};

/** The profile field a key writes: apply two values and see where the profiles differ. */
function profilePath(key: ConfigKey): string[] | undefined {
  if (key.apply === undefined) return undefined;
  const [first, second] = samples[key.kind];
  const a = structuredClone(profiles.staging);
  const b = structuredClone(profiles.staging);
  key.apply(a, first as never);
  key.apply(b, second as never);
  const differ = (x: unknown, y: unknown, path: string[]): string[] | undefined => {
    if (JSON.stringify(x) === JSON.stringify(y)) return undefined;
    if (x && y && typeof x === "object" && typeof y === "object" && !Array.isArray(x)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        const found = differ((x as any)[k], (y as any)[k], [...path, k]);
        if (found) return found;
      }
    }
    return path;
  };
  return differ(a, b, []);
}

function valueAt(profile: EnvironmentProfile, path: string[]): unknown {
  return path.reduce<any>((value, k) => value?.[k], profile);
}

/** The ConfigError `action` throws; fails the test when it throws nothing or something else. */
function configError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

describe("configuration", () => {
  describe("merging over the environment profile", () => {
    it("gives production the production profile whatever the stack is called", () => {
      const { settings } = load(configFor("aws", "production"));
      expect(settings.database.highAvailability).to.equal(true);
      expect(settings.database.backupRetentionDays).to.equal(35);
      expect(settings.protection).to.deep.equal({
        deletionProtection: true,
        protect: true,
        retainOnDelete: true,
      });
    });

    it("gives staging a destroyable, single-zone profile", () => {
      const { settings } = load(configFor("aws", "staging"));
      expect(settings.database.highAvailability).to.equal(false);
      expect(settings.protection).to.deep.equal({
        deletionProtection: false,
        protect: false,
        retainOnDelete: false,
      });
    });

    it("keeps an override of false or a small number instead of falling back to the profile", () => {
      const { settings, warnings } = load(
        configFor("aws", "production", {
          "rag:databaseHighAvailability": false,
          "rag:backupRetentionDays": 7,
          "rag:natPerZone": false,
        }),
      );
      expect(settings.database.highAvailability).to.equal(false);
      expect(settings.database.backupRetentionDays).to.equal(7);
      expect(settings.network.natPerZone).to.equal(false);
      expect(warnings.map((w) => w.code)).to.include("RAG002");
    });

    it("reads lists given as YAML sequences", () => {
      const { settings } = load(
        configFor("aws", "staging", {
          "rag:alertEmails": ["a@example.com", "b@example.com"],
          "rag:clusterEndpointAccess": "restricted",
          "rag:clusterAuthorizedNetworks": ["203.0.113.0/24"],
        }),
      );
      expect(settings.monitoring.alertEmails).to.deep.equal(["a@example.com", "b@example.com"]);
      expect(settings.cluster.authorizedNetworks).to.deep.equal(["203.0.113.0/24"]);
    });

    it("does not change the profile objects it merges over", () => {
      load(configFor("aws", "staging", { "rag:backupRetentionDays": 9 }));
      expect(profiles.staging.database.backupRetentionDays).to.equal(7);
    });

    it("warns, with a stable code, when production turns its protection off", () => {
      const { warnings } = load(configFor("gcp", "production", { "rag:protect": false }));
      expect(warnings.map((w) => w.code)).to.include("RAG001");
    });
  });

  describe("rejecting invalid input before anything is declared", () => {
    const cases: Array<{ name: string; config: StackConfig; expect: RegExp[] }> = [
      {
        name: "an unknown key, suggesting the nearest known one",
        config: configFor("aws", "staging", { "rag:backupRetentionDay": 7 }),
        expect: [/`rag:backupRetentionDay`/, /Did you mean `rag:backupRetentionDays`\?/],
      },
      {
        name: "a key in the wrong case",
        config: configFor("aws", "staging", { "rag:NodeMinCount": 2 }),
        expect: [/`rag:NodeMinCount`/, /Did you mean `rag:nodeMinCount`\?/],
      },
      {
        name: "a word where an integer is expected",
        config: configFor("aws", "staging", { "rag:nodeMinCount": "three" }),
        expect: [/`rag:nodeMinCount`: expected an integer from 1 to 100; got "three"/],
      },
      {
        name: "a fraction where an integer is expected",
        config: configFor("aws", "staging", { "rag:databaseStorageGb": 20.5 }),
        expect: [/`rag:databaseStorageGb`: expected an integer from 20 to 16384; got "20.5"/],
      },
      {
        name: "a retention beyond what point-in-time recovery allows",
        config: configFor("aws", "staging", { "rag:backupRetentionDays": 90 }),
        expect: [/`rag:backupRetentionDays`: expected an integer from 7 to 35.*; got 90/],
      },
      {
        name: "a word where a boolean is expected",
        config: configFor("aws", "staging", { "rag:crossRegionBackup": "yes" }),
        expect: [/`rag:crossRegionBackup`: expected true or false; got "yes"/],
      },
      {
        name: "a missing cloud",
        config: { "rag:environment": "staging", "aws:region": "us-east-1" },
        expect: [/`rag:cloud`: expected one of aws, gcp, azure; got \(missing\)/],
      },
      {
        name: "a cloud that is not supported",
        config: { "rag:cloud": "digitalocean", "rag:environment": "staging" },
        expect: [/`rag:cloud`: expected one of aws, gcp, azure; got "digitalocean"/],
      },
      {
        name: "a missing environment",
        config: { "rag:cloud": "aws", "aws:region": "us-east-1" },
        expect: [/`rag:environment`: expected one of staging, production; got \(missing\)/],
      },
      {
        name: "a missing AWS region",
        config: { "rag:cloud": "aws", "rag:environment": "staging" },
        expect: [/`aws:region`: expected an AWS region such as us-east-1; got \(missing\)/],
      },
      {
        name: "a missing GCP project",
        config: { "rag:cloud": "gcp", "rag:environment": "staging", "gcp:region": "europe-west4" },
        expect: [/`gcp:project`: expected a GCP project id/],
      },
      {
        name: "an Azure location written as a display name",
        config: {
          "rag:cloud": "azure",
          "rag:environment": "staging",
          "azure-native:location": "West Europe",
        },
        expect: [/`azure-native:location`: expected an Azure location name.*; got "West Europe"/],
      },
      {
        name: "more minimum nodes than maximum",
        config: configFor("aws", "staging", { "rag:nodeMinCount": 5, "rag:nodeMaxCount": 3 }),
        expect: [/`rag:nodeMinCount`: expected at most rag:nodeMaxCount \(3\); got 5/],
      },
      {
        name: "a restricted API endpoint with no authorised networks",
        config: configFor("aws", "staging", { "rag:clusterEndpointAccess": "restricted" }),
        expect: [/`rag:clusterAuthorizedNetworks`: expected at least one CIDR block/],
      },
      {
        name: "an API endpoint open to the whole internet",
        config: configFor("aws", "staging", {
          "rag:clusterEndpointAccess": "restricted",
          "rag:clusterAuthorizedNetworks": ["0.0.0.0/0"],
        }),
        expect: [/narrower than the whole internet; got "0.0.0.0\/0"/],
      },
      {
        name: "a malformed CIDR block",
        config: configFor("aws", "staging", { "rag:networkCidr": "10.0.0.0/33" }),
        expect: [/`rag:networkCidr`: expected an IPv4 network address from \/16 to \/20/],
      },
      {
        name: "cross-region backups with no second region",
        config: { ...configFor("aws", "staging"), "rag:crossRegionBackup": true },
        expect: [/`rag:backupRegion`: expected a second region when rag:crossRegionBackup is true/],
      },
      {
        name: "a backup region equal to the primary region",
        config: configFor("aws", "production", { "rag:backupRegion": "us-east-1" }),
        expect: [/`rag:backupRegion`: expected a region other than the stack's own \(us-east-1\)/],
      },
      {
        name: "a log retention CloudWatch does not offer",
        config: configFor("aws", "staging", { "rag:logRetentionDays": 45 }),
        expect: [
          /`rag:logRetentionDays`: expected one of CloudWatch's retention values/,
          /nearest accepted value is (30|60)/,
        ],
      },
      {
        name: "a log retention Log Analytics does not offer",
        config: configFor("azure", "staging", { "rag:logRetentionDays": 7 }),
        expect: [/`rag:logRetentionDays`: expected an integer from 30 to 730/],
      },
      {
        name: "an encrypted value for a key that holds no secret",
        config: configFor("aws", "staging", { "rag:owner": { secure: "v1:abc" } }),
        expect: [/`rag:owner`: expected a plain-text value.*; got an encrypted `secure:` value/],
      },
      {
        name: "an e-mail address without a domain",
        config: configFor("aws", "staging", { "rag:alertEmails": ["oncall"] }),
        expect: [
          /`rag:alertEmails`: expected a list of at most 20 distinct e-mail addresses; got "oncall" is not an e-mail address/,
        ],
      },
      {
        name: "a network block with its host bits set",
        config: configFor("aws", "staging", { "rag:networkCidr": "10.40.7.1/16" }),
        expect: [
          /`rag:networkCidr`: expected an IPv4 network address .* host bits zero.*; got "10.40.7.1\/16"/,
        ],
      },
      {
        name: "an authorised network with its host bits set",
        config: configFor("aws", "staging", {
          "rag:clusterEndpointAccess": "restricted",
          "rag:clusterAuthorizedNetworks": ["203.0.113.7/24"],
        }),
        expect: [
          /`rag:clusterAuthorizedNetworks`: expected a list of at most 20 IPv4 network addresses/,
        ],
      },
      {
        name: "a tag value with characters AWS refuses in tags",
        config: configFor("aws", "staging", { "rag:owner": "team <script>" }),
        expect: [
          /`rag:owner`: expected 1-63 letters, digits, spaces or _ . : = \+ @ -.*; got "team <script>"/,
        ],
      },
      {
        name: "the same alert address twice, whatever its case",
        config: configFor("aws", "staging", {
          "rag:alertEmails": ["a@example.com", "A@Example.com"],
        }),
        expect: [
          /`rag:alertEmails`: expected a list of at most 20 distinct e-mail addresses; got "A@Example.com" is listed twice/,
        ],
      },
      {
        name: "a runaway value, shown by its start and size only",
        config: configFor("aws", "staging", { "rag:vectorIndexName": "x".repeat(5000) }),
        expect: [/got "x{100,130}\.\.\. \(5002 characters\)/],
      },
      {
        name: "a production stack whose alerts would reach nobody",
        config: configFor("aws", "production", { "rag:alertEmails": [] }),
        expect: [/`rag:alertEmails`: expected at least one address in production/],
      },
      {
        name: "an RDS instance class without the db. prefix",
        config: configFor("aws", "staging", { "rag:databaseInstanceType": "r6g.large" }),
        expect: [/`rag:databaseInstanceType`: expected an RDS instance class/],
      },
    ];

    for (const testCase of cases) {
      it(`names the key, the rule and the given value for ${testCase.name}`, () => {
        const error = configError(() => load(testCase.config));
        expect(error.message).to.match(/^Pulumi\.test\.yaml has \d+ configuration problems?:/);
        for (const pattern of testCase.expect) expect(error.message).to.match(pattern);
      });
    }

    it("lists every problem of a stack file in one message", () => {
      const error = configError(() =>
        load({
          "rag:cloud": "aws",
          "rag:environment": "staging",
          "rag:nodeMinCount": 0,
          "rag:vectorDimension": 768,
        }),
      );
      expect(error.issues.map((issue) => issue.key)).to.have.members([
        "rag:nodeMinCount",
        "rag:vectorDimension",
        "aws:region",
      ]);
      expect(error.message).to.match(/has 3 configuration problems/);
    });
  });

  describe("reading stack files the way the Pulumi CLI does", () => {
    const fileCases: Array<{ name: string; text: string; expect: RegExp }> = [
      {
        name: "an empty file",
        text: "",
        expect: /`config`: expected a `config:` map.*; got an empty file/,
      },
      {
        name: "malformed YAML",
        text: "config:\n  rag:cloud: [aws\n",
        expect: /`\(file\)`: expected valid YAML; got a parse error/,
      },
      {
        name: "a list at the top level",
        text: "- rag:cloud\n",
        expect: /expected a YAML map with a `config:` key; got a list/,
      },
      {
        name: "config that is not a map",
        text: "config: aws\n",
        expect: /`config`: expected a map of configuration keys; got a string/,
      },
    ];
    for (const testCase of fileCases) {
      it(`rejects ${testCase.name} with a message naming the file`, () => {
        const error = configError(() => parseStackFile(testCase.text, "rag", source));
        expect(error.message).to.contain("Pulumi.test.yaml");
        expect(error.message).to.match(testCase.expect);
      });
    }

    it("refuses a key without a namespace, as the Pulumi CLI does, saying how to write it", () => {
      const error = configError(() => parseStackFile("config:\n  cloud: aws\n", "rag", source));
      expect(error.message).to.match(/`cloud`: expected a key of the form `<namespace>:<name>`/);
      expect(error.message).to.contain("Write it as `rag:cloud`.");
    });

    it("reads the old `<namespace>:config:<name>` form as `<namespace>:<name>`", () => {
      const raw = parseStackFile("config:\n  rag:config:cloud: aws\n", "rag", source);
      expect(raw.values["rag:cloud"]).to.equal("aws");
    });

    it("hands numbers and booleans over as strings, and lists as JSON", () => {
      const raw = parseStackFile(
        "config:\n  rag:nodeMinCount: 3\n  rag:protect: true\n  rag:alertEmails: [a@b.co]\n",
        "rag",
        source,
      );
      expect(raw.values).to.include({
        "rag:nodeMinCount": "3",
        "rag:protect": "true",
        "rag:alertEmails": '["a@b.co"]',
      });
    });

    it("marks secure values as secrets without exposing their ciphertext", () => {
      const raw = parseStackFile("config:\n  rag:owner:\n    secure: v1:AAAA\n", "rag", source);
      expect(raw.secretKeys.has("rag:owner")).to.equal(true);
      expect(raw.values["rag:owner"]).to.equal("[secret]");
    });
  });

  describe("refusing a public network block", () => {
    const clouds = ["aws", "gcp", "azure"] as const;
    const refused: Array<{ name: string; cidr: string }> = [
      { name: "a public block", cidr: "8.8.0.0/16" },
      { name: "the carrier-grade NAT range (RFC 6598)", cidr: "100.64.0.0/16" },
      { name: "a block just past 172.16.0.0/12", cidr: "172.32.0.0/16" },
      { name: "a block just before 10.0.0.0/8", cidr: "9.255.0.0/16" },
    ];
    for (const cloud of clouds) {
      for (const { name, cidr } of refused) {
        it(`refuses ${name} (${cidr}) on ${cloud}`, () => {
          const error = configError(() =>
            load(configFor(cloud, "staging", { "rag:networkCidr": cidr })),
          );
          expect(error.message).to.match(
            new RegExp(
              "`rag:networkCidr`: expected a block inside the private ranges " +
                `\\(10\\.0\\.0\\.0/8, 172\\.16\\.0\\.0/12, 192\\.168\\.0\\.0/16\\); got "${cidr}"`,
            ),
          );
        });
      }
      for (const cidr of ["10.40.0.0/16", "172.31.0.0/16"]) {
        it(`accepts the private block ${cidr} on ${cloud}`, () => {
          const { settings } = load(configFor(cloud, "staging", { "rag:networkCidr": cidr }));
          expect(settings.network.cidr).to.equal(cidr);
        });
      }
    }
    // Azure refuses 192.168.0.0/16 for overlapping its pod range; the others take it.
    for (const cloud of ["aws", "gcp"] as const) {
      it(`accepts a block of 192.168.0.0/16 on ${cloud}`, () => {
        const { settings } = load(
          configFor(cloud, "staging", { "rag:networkCidr": "192.168.0.0/20" }),
        );
        expect(settings.network.cidr).to.equal("192.168.0.0/20");
      });
    }
  });

  describe("warning about settings and keys the program ignores", () => {
    const cases: Array<{
      name: string;
      config: StackConfig;
      code: string;
      /** Whether the warning is expected; the false cases guard against warning on everything. */
      warns: boolean;
      mentions?: RegExp;
    }> = [
      {
        name: "authorised networks with a private API endpoint",
        config: configFor("aws", "staging", {
          "rag:clusterAuthorizedNetworks": ["203.0.113.0/24"],
        }),
        code: "RAG011",
        warns: true,
        mentions: /rag:clusterAuthorizedNetworks .* ignored/,
      },
      {
        name: "authorised networks with a restricted API endpoint",
        config: configFor("gcp", "production", {
          "rag:clusterEndpointAccess": "restricted",
          "rag:clusterAuthorizedNetworks": ["203.0.113.0/24"],
        }),
        code: "RAG011",
        warns: false,
      },
      {
        name: "GCP and AWS provider keys left in an Azure stack",
        config: configFor("azure", "staging", {
          "gcp:project": "rag-test-project",
          "aws:region": "us-east-1",
        }),
        code: "RAG012",
        warns: true,
        mentions:
          /another cloud in this azure stack, which ignores them: `gcp:project`, `aws:region`\./,
      },
      {
        name: "an Azure provider key left in a GCP stack",
        config: configFor("gcp", "staging", { "azure-native:location": "westeurope" }),
        code: "RAG012",
        warns: true,
        mentions: /`azure-native:location`/,
      },
      {
        name: "a stack's own provider keys",
        config: configFor("aws", "production", { "aws:profile": "deploy" }),
        code: "RAG012",
        warns: false,
      },
      {
        name: "a key in a namespace nobody reads",
        config: configFor("aws", "staging", { "other:cloud": "gcp" }),
        code: "RAG013",
        warns: true,
        mentions: /a namespace this program never reads \(it reads rag, .*\): `other:cloud`\./,
      },
      {
        name: "keys of the Pulumi, Kubernetes and random namespaces",
        config: configFor("azure", "staging", {
          "pulumi:disable-default-providers": ["kubernetes"],
          "kubernetes:enableServerSideApply": true,
          "random:seed": "x",
        }),
        code: "RAG013",
        warns: false,
      },
    ];
    for (const { name, config, code, warns, mentions } of cases) {
      it(`${warns ? "warns" : "does not warn"} with ${code} about ${name}`, () => {
        const { warnings } = load(config);
        const found = warnings.filter((warning) => warning.code === code);
        expect(found, JSON.stringify(warnings)).to.have.length(warns ? 1 : 0);
        if (mentions) expect(found[0].message).to.match(mentions);
      });
    }
  });

  describe("Pulumi.yaml", () => {
    const project = parse(readFileSync("Pulumi.yaml", "utf8")) as {
      name: string;
      config: Record<string, { type: string; default?: unknown; items?: { type: string } }>;
    };
    const kinds: Record<string, string> = {
      string: "string",
      integer: "integer",
      boolean: "boolean",
      array: "array",
    };

    it("names the project rag on the nodejs runtime", () => {
      expect(project.name).to.equal("rag");
    });

    it("declares only keys the schema knows, with the schema's type", () => {
      for (const [name, declaration] of Object.entries(project.config)) {
        const key = configKeys.find((k) => k.name === name);
        expect(key, `Pulumi.yaml declares ${name}, unknown to src/config/keys.ts`).to.not.equal(
          undefined,
        );
        expect(declaration.type, name).to.equal(kinds[key!.kind]);
      }
    });

    it("requires cloud and environment by declaring them without a default", () => {
      expect(project.config.cloud.default).to.equal(undefined);
      expect(project.config.environment.default).to.equal(undefined);
    });

    it("declares defaults only where every environment profile agrees with them", () => {
      for (const [name, declaration] of Object.entries(project.config)) {
        if (declaration.default === undefined) continue;
        const key = configKeys.find((k) => k.name === name)!;
        const path = profilePath(key);
        expect(path, `no profile field found for declared default ${name}`).to.not.equal(undefined);
        for (const environment of ["staging", "production"] as const) {
          expect(valueAt(profiles[environment], path!), `${name} in ${environment}`).to.deep.equal(
            declaration.default,
          );
        }
      }
    });
  });
});
