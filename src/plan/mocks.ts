import type * as pulumi from "@pulumi/pulumi";
import type { CloudFixtures, FixtureSet, Inputs } from "./fixtures";
import { unwrapSecrets } from "./wire";

/** Thrown for an invoke no fixture answers, so a missing fixture fails loudly instead of hanging. */
export class UnknownInvokeError extends Error {
  /** The SDK rethrows an invoke failure with only the gRPC `details` field, so carry it there. */
  readonly details: string;

  constructor(token: string) {
    const message =
      `the offline plan has no fixture for invoke \`${token}\`; ` +
      "add one to the cloud's fixtures.ts (providers/<cloud>/fixtures.ts)";
    super(message);
    this.name = "UnknownInvokeError";
    this.details = message;
  }
}

/**
 * Mocks that answer from fixed fixtures: invokes by token (unknown tokens throw) and resource
 * outputs as the inputs plus what the cloud would compute.
 */
export class FixtureMocks implements pulumi.runtime.Mocks {
  constructor(private readonly sets: FixtureSet[]) {}

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string;
    state: Record<string, unknown>;
  } {
    const inputs = unwrapSecrets(args.inputs ?? {}) as Inputs;
    const fixtures = this.fixturesFor(args.type);
    const computed =
      fixtures?.resourceOutputs[args.type]?.(args.name, inputs) ??
      fixtures?.defaultOutputs?.(args.type, args.name, inputs) ??
      {};
    const id = fixtures?.id?.(args.type, args.name, inputs) ?? `${args.name}-id`;
    return { id, state: { ...args.inputs, ...computed } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const answer = this.fixturesFor(args.token)?.invokes[args.token];
    if (answer === undefined) throw new UnknownInvokeError(args.token);
    return answer(unwrapSecrets(args.inputs ?? {}) as Inputs);
  }

  private fixturesFor(token: string): CloudFixtures | undefined {
    return this.sets.find((set) => token.startsWith(set.prefix))?.fixtures;
  }
}
