import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { blind } from "../src/plan/wire";
import type { FixtureSet } from "../src/plan/fixtures";
import { recordProgram, type Recording } from "../src/plan/record";

const fixtures: FixtureSet[] = [
  {
    prefix: "aws:",
    fixtures: {
      invokes: {
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: "123456789012" }),
      },
      resourceOutputs: {},
      defaultOutputs: (type, name) => ({ arn: `arn:aws:test:::${type}/${name}` }),
    },
  },
];

class Holder extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("rag:test:Holder", name, {}, opts);
  }
}

async function record(
  program: () => Promise<Record<string, unknown> | undefined>,
): Promise<Recording> {
  return recordProgram({
    project: "rag",
    stack: "unit",
    config: {},
    secretKeys: [],
    fixtures,
    program,
  });
}

describe("the plan's recorder", () => {
  it("records implicit dependencies from output inputs and the inherited protect option", async () => {
    const recording = await record(async () => {
      const kms = await import("@pulumi/aws/kms");
      const secretsmanager = await import("@pulumi/aws/secretsmanager");
      const holder = new Holder("holder", { protect: true });
      const key = new kms.Key("key", { description: "k" }, { parent: holder });
      new secretsmanager.Secret(
        "secret",
        { kmsKeyId: key.arn },
        { parent: holder, retainOnDelete: true },
      );
      return {};
    });
    const key = recording.resources.find((r) => r.name === "key");
    const secret = recording.resources.find((r) => r.name === "secret");
    expect(key, "key recorded").to.not.equal(undefined);
    expect(secret?.dependencies).to.include(key?.urn);
    expect(secret?.propertyDependencies.kmsKeyId).to.deep.equal([key?.urn]);
    expect(secret?.protect, "protect inherited from the parent").to.equal(true);
    expect(secret?.retainOnDelete).to.equal(true);
    expect(secret?.parent).to.match(/rag:test:Holder::holder$/);
  });

  it("keeps secrets wrapped so the digest blinds them", async () => {
    const recording = await record(async () => {
      const secretsmanager = await import("@pulumi/aws/secretsmanager");
      new secretsmanager.SecretVersion("version", {
        secretId: "s",
        secretString: pulumi.secret("hunter2"),
      });
      return { password: pulumi.secret("hunter2") };
    });
    const version = recording.resources.find((r) => r.name === "version");
    const blinded = blind(version?.inputs) as Record<string, unknown>;
    expect(blinded.secretString).to.equal("[secret]");
    expect(JSON.stringify(blind(recording.outputs))).to.not.contain("hunter2");
  });

  it("fails the program when an invoke has no fixture", async () => {
    let failure: unknown;
    try {
      await record(async () => {
        const ec2 = await import("@pulumi/aws/ec2");
        await ec2.getVpc({ default: true });
        return {};
      });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain("no fixture for invoke `aws:ec2/getVpc:getVpc`");
  });

  it("fails the recording when an apply callback throws, as a real preview would", async () => {
    let failure: unknown;
    try {
      await record(async () => {
        const kms = await import("@pulumi/aws/kms");
        const key = new kms.Key("checked", { description: "k" });
        key.arn.apply((arn) => {
          if (arn.startsWith("arn:")) throw new Error(`value check failed for ${arn}`);
          return arn;
        });
        return {};
      });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain("value check failed for arn:aws:test");
  });
});
