import type { EnvironmentProfile, Environment } from "../src/config/settings";
import { production } from "./production";
import { staging } from "./staging";

/** The profile each environment tier starts from, before a stack's overrides. */
export const profiles: Record<Environment, EnvironmentProfile> = { staging, production };
