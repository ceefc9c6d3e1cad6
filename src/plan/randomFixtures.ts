import { createHash } from "node:crypto";
import type { CloudFixtures, Inputs } from "./fixtures";

/** Deterministic stand-in for random bytes: the same resource name always gives the same value. */
function bytesFor(name: string, count: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < count; i++) {
    chunks.push(createHash("sha256").update(`${name}:${i}`).digest());
  }
  return Buffer.concat(chunks).subarray(0, count);
}

function text(name: string, inputs: Inputs): string {
  const length = Number(inputs.length ?? 16);
  return bytesFor(name, length).toString("base64url").slice(0, length);
}

/**
 * What @pulumi/random would compute on `up`, made deterministic so plans are reproducible and
 * names that carry a random suffix can be checked against their limits offline. The program
 * marks passwords secret (the provider declares `result` secret), so the digest blinds them.
 */
export const randomFixtures: CloudFixtures = {
  invokes: {},
  resourceOutputs: {
    "random:index/randomId:RandomId": (name, inputs) => {
      const bytes = bytesFor(name, Number(inputs.byteLength ?? 8));
      return {
        hex: bytes.toString("hex"),
        b64Std: bytes.toString("base64"),
        b64Url: bytes.toString("base64url"),
        dec: BigInt(`0x${bytes.toString("hex")}`).toString(),
      };
    },
    "random:index/randomPassword:RandomPassword": (name, inputs) => ({
      result: text(name, inputs),
      bcryptHash: `$2a$10$${text(`${name}:bcrypt`, { length: 53 })}`,
    }),
    "random:index/randomString:RandomString": (name, inputs) => ({ result: text(name, inputs) }),
    "random:index/randomUuid:RandomUuid": (name) => {
      const hex = bytesFor(name, 16).toString("hex");
      return {
        result: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
      };
    },
  },
};
