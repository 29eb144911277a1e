import { z } from "zod";

/** `SageMaker.ListEndpoints` (JSON 1.1; times are epoch seconds). */
export const listEndpointsResponse = z.looseObject({
  Endpoints: z.array(
    z.looseObject({
      EndpointName: z.string(),
      EndpointArn: z.string().optional(),
      CreationTime: z.union([z.number(), z.string()]).optional(),
      EndpointStatus: z.string().optional(),
    }),
  ),
  NextToken: z.string().optional(),
});

/** `SageMaker.DescribeEndpointConfig`: which model each variant serves. */
export const describeEndpointConfigResponse = z.looseObject({
  EndpointConfigName: z.string(),
  ProductionVariants: z.array(z.looseObject({ ModelName: z.string(), VariantName: z.string().optional() })).min(1),
  CreationTime: z.union([z.number(), z.string()]).optional(),
});

/** `SageMaker.DescribeEndpoint`. */
export const describeEndpointResponse = z.looseObject({
  EndpointName: z.string(),
  EndpointConfigName: z.string(),
  EndpointStatus: z.string().optional(),
});

/** Linear-learner style answers: `{predictions: [{score, predicted_label}]}` (score a number, or a vector for multiclass). */
export const linearLearnerResponse = z.looseObject({
  predictions: z.array(
    z.looseObject({
      score: z.union([z.number(), z.array(z.number())]).optional(),
      predicted_label: z.union([z.number(), z.string()]).optional(),
    }),
  ),
});
