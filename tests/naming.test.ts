import { expect } from "chai";
import { fitName, Naming, type NameRule } from "../src/naming";

const longStack = "customer-facing-retrieval-production-eu-west-secondary-region-2026";

describe("physical names", () => {
  const rules: Array<{ name: string; rule: NameRule; valid: RegExp }> = [
    {
      name: "RDS identifiers",
      rule: { maxLength: 63, charset: "lower-hyphen" },
      valid: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    },
    {
      name: "Key Vault names",
      rule: { maxLength: 24, minLength: 3, charset: "mixed-hyphen" },
      valid: /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    },
    {
      name: "storage accounts",
      rule: { maxLength: 24, minLength: 3, charset: "lower" },
      valid: /^[a-z][a-z0-9]{2,23}$/,
    },
    {
      name: "GCP service accounts",
      rule: { maxLength: 30, minLength: 6, charset: "lower-hyphen" },
      valid: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    },
    {
      name: "database names",
      rule: { maxLength: 63, charset: "underscore" },
      valid: /^[a-z][a-z0-9_]*$/,
    },
  ];

  for (const { name, rule, valid } of rules) {
    it(`fit the rule of ${name} even for a very long stack name`, () => {
      const physical = new Naming("rag", longStack).physical("database-credentials", rule);
      expect(physical.length).to.be.at.most(rule.maxLength);
      expect(physical.length).to.be.at.least(rule.minLength ?? 1);
      expect(physical).to.match(valid);
      expect(physical).to.not.match(/--|__/);
    });
  }

  it("are deterministic", () => {
    const rule: NameRule = { maxLength: 24, charset: "lower" };
    expect(fitName(`rag-${longStack}-vault`, rule)).to.equal(
      fitName(`rag-${longStack}-vault`, rule),
    );
  });

  it("keep two long names apart that share their first characters", () => {
    const rule: NameRule = { maxLength: 24, charset: "lower-hyphen" };
    const a = fitName(`rag-${longStack}-a`, rule);
    const b = fitName(`rag-${longStack}-b`, rule);
    expect(a).to.not.equal(b);
  });

  it("stay readable and unhashed when they fit", () => {
    expect(fitName("rag-staging-db", { maxLength: 63, charset: "lower-hyphen" })).to.equal(
      "rag-staging-db",
    );
  });

  it("start with a letter when the raw name starts with a digit", () => {
    expect(fitName("2026-stack-db", { maxLength: 63, charset: "lower-hyphen" })).to.match(
      /^r-2026-stack-db$/,
    );
  });

  it("leave room for a suffix the cloud or Pulumi appends", () => {
    const name = fitName(`rag-${longStack}-bucket`, {
      maxLength: 63,
      charset: "lower-hyphen",
      reserve: 8,
    });
    expect(name.length).to.be.at.most(55);
  });
});
