import { PolicyPack } from "@pulumi/policy";
import { crossGuardPolicies } from "./crossguard";
import { rules } from "./rules";

/**
 * The platform's CrossGuard pack: `pulumi preview --policy-pack policy`. Its policies are the
 * rules the offline plan evaluates (policy/rules), adapted by policy/crossguard.ts.
 */
export const pack = new PolicyPack("rag", { policies: crossGuardPolicies(rules) });
