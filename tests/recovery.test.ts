import { expect } from "chai";
import { stringify } from "yaml";
import { cloudRules } from "../providers";
import { ConfigError } from "../src/config/issues";
import { loadConfig, type LoadedConfig } from "../src/config/load";
import { renderPlan } from "../src/plan/render";
import { parseStackFile } from "../src/plan/stackFile";
import { recoveryReport } from "../src/recovery/achievable";
import { configFor, plan, planRepoStack, type StackConfig } from "./harness";

const source = "Pulumi.test.yaml";
type Cloud = "aws" | "gcp" | "azure";

function load(config: StackConfig): LoadedConfig {
  const raw = parseStackFile(stringify({ config }), "rag", source);
  return loadConfig(raw, source, (cloud) => cloudRules[cloud]);
}

function refusal(config: StackConfig): string {
  try {
    load(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

type Figures = [rpo: number | null, rto: number | null];

describe("disaster recovery", () => {
  describe("achievable RPO and RTO per cloud and environment", () => {
    // Production: Multi-AZ/regional/zone-redundant standby, 100 GiB, copies in a second region.
    // Staging: no standby, 20 GiB, backups in the stack's region only.
    const cases: Array<{
      cloud: Cloud;
      environment: "staging" | "production";
      zone: Figures;
      corruption: Figures;
      region: Figures;
    }> = [
      {
        cloud: "aws",
        environment: "production",
        zone: [0, 2],
        corruption: [5, 75],
        region: [15, 135],
      },
      {
        cloud: "gcp",
        environment: "production",
        zone: [0, 5],
        corruption: [5, 75],
        region: [1440, 135],
      },
      {
        cloud: "azure",
        environment: "production",
        zone: [0, 2],
        corruption: [5, 75],
        region: [60, 135],
      },
      {
        cloud: "aws",
        environment: "staging",
        zone: [5, 75],
        corruption: [5, 75],
        region: [null, null],
      },
      {
        cloud: "gcp",
        environment: "staging",
        zone: [5, 75],
        corruption: [5, 75],
        region: [null, null],
      },
      {
        cloud: "azure",
        environment: "staging",
        zone: [5, 75],
        corruption: [5, 75],
        region: [null, null],
      },
    ];
    for (const { cloud, environment, zone, corruption, region } of cases) {
      it(`${cloud} ${environment}: meets its default targets with the figures its design delivers`, () => {
        const { settings } = load(configFor(cloud, environment));
        const { scenarios } = recoveryReport(settings, cloudRules[cloud].recovery);
        const figures = (s: keyof typeof scenarios): Figures => [
          scenarios[s].rpoMinutes,
          scenarios[s].rtoMinutes,
        ];
        expect(figures("zone"), "zone").to.deep.equal(zone);
        expect(figures("corruption"), "corruption").to.deep.equal(corruption);
        expect(figures("region"), "region").to.deep.equal(region);
      });
    }

    it("lengthens the restore with the storage it restores", () => {
      const { settings } = load(configFor("aws", "staging", { "rag:databaseStorageGb": 1000 }));
      const { scenarios } = recoveryReport(settings, cloudRules.aws.recovery);
      expect(scenarios.corruption.rtoMinutes).to.equal(60 + 15 * 10);
    });
  });

  describe("refusing targets the design cannot meet, before anything is declared", () => {
    const refused: Array<{ name: string; config: StackConfig; key: string; parts: string[] }> = [
      {
        name: "an RTO shorter than a point-in-time restore",
        config: configFor("aws", "production", { "rag:rtoMinutes": 30 }),
        key: "rag:rtoMinutes",
        parts: [
          "data corruption: at least 75 minutes",
          "got 30 minutes",
          "raise rag:rtoMinutes to 75",
        ],
      },
      {
        name: "a zone RTO without a standby",
        config: configFor("azure", "staging", { "rag:rtoMinutes": 10 }),
        key: "rag:rtoMinutes",
        parts: ["zone failure: at least 75 minutes", "Turn on rag:databaseHighAvailability"],
      },
      {
        name: "an RPO of zero, which point-in-time restore cannot reach",
        config: configFor("gcp", "production", { "rag:rpoMinutes": 0 }),
        key: "rag:rpoMinutes",
        parts: ["data corruption: at least 5 minutes", "raise rag:rpoMinutes to 5"],
      },
      {
        name: "a region RPO below what GCP's daily backup copies deliver",
        config: configFor("gcp", "production", { "rag:regionRpoMinutes": 60 }),
        key: "rag:regionRpoMinutes",
        parts: ["region failure: at least 1440 minutes", "got 60 minutes"],
      },
      {
        name: "region targets with every backup in one region",
        config: configFor("aws", "production", { "rag:crossRegionBackup": false }),
        key: "rag:regionRpoMinutes",
        parts: ["which it cannot recover from", "Turn on rag:crossRegionBackup"],
      },
      {
        name: "a production RTO a large database cannot restore within",
        config: configFor("azure", "production", { "rag:databaseStorageGb": 4000 }),
        key: "rag:rtoMinutes",
        parts: ["at least 660 minutes", "rag:databaseStorageGb is 4000"],
      },
    ];
    for (const { name, config, key, parts } of refused) {
      it(`refuses ${name}, naming \`${key}\``, () => {
        const message = refusal(config);
        expect(message).to.contain(`\`${key}\``);
        for (const part of parts) expect(message).to.contain(part);
      });
    }

    it("accepts region targets on staging once its backups are copied to a second region", () => {
      const { settings } = load(
        configFor("aws", "staging", {
          "rag:crossRegionBackup": true,
          "rag:backupRegion": "us-west-2",
          "rag:regionRpoMinutes": 15,
          "rag:regionRtoMinutes": 135,
        }),
      );
      expect(settings.recovery.regionRpoMinutes).to.equal(15);
    });
  });

  describe("the plan's recovery report", () => {
    it("puts a recovery object with targets and every scenario in the JSON digest", async () => {
      const result = await plan(configFor("azure", "production"));
      const recovery = JSON.parse(JSON.stringify(result.digest)).recovery;
      expect(recovery.targets).to.deep.equal({
        rpoMinutes: 15,
        rtoMinutes: 240,
        regionRpoMinutes: 1440,
        regionRtoMinutes: 720,
      });
      expect(recovery.scenarios.zone).to.include({ rpoMinutes: 0, rtoMinutes: 2 });
      expect(recovery.scenarios.region.mechanism).to.contain("northeurope");
      expect(recovery.scenarios.corruption.source).to.match(/business continuity/);
    });

    it("prints a recovery section in the human plan of the repository's staging stack", async () => {
      const text = renderPlan(await planRepoStack("staging"), "Pulumi.staging.yaml");
      expect(text).to.contain(
        "Recovery (targets: RPO 60 / RTO 480 min; region failure not required)",
      );
      expect(text).to.match(/zone failure +RPO 5 \/ RTO 75 min +point-in-time restore of 20 GiB/);
      expect(text).to.match(/region failure +not recoverable/);
    });
  });
});
