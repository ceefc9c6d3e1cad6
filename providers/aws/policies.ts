/** Trust policy letting one AWS service assume a role. */
export function servicePrincipalTrust(service: string): object {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/** The IAM role name of a role ARN (`arn:aws:iam::123456789012:role/name`); no paths are used here. */
export function roleNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}
