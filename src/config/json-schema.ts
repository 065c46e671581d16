// The JSON Schema of the config file, generated from the same declarations as the parser (so it
// cannot drift): one branch per target type, so editors complete and check each type's fields.
import { TARGETS, TARGET_TYPES } from '../targets/index.js';
import { jsonSchemaOf } from './fields.js';
import { COMMON_TARGET_FIELDS, INPUTS, MEMBER_KEYS } from './schema.js';

/** Where the schema is published: editors fetch it from here (`$schema` in a config file). */
export const SCHEMA_ID =
  'https://raw.githubusercontent.com/workflow-notify/workflow-notify/v1/schema/workflow-notify.schema.json';

function targetBranch(type: string): Record<string, unknown> {
  const definition = TARGETS[type]!;
  const common = Object.fromEntries(
    Object.entries(COMMON_TARGET_FIELDS).map(([name, spec]) => [name, structuredClone(spec.json)]),
  );
  const own = Object.fromEntries(Object.entries(definition.fields).map(([name, spec]) => [name, jsonSchemaOf(spec)]));
  const required = Object.entries(definition.fields)
    .filter(([, spec]) => spec.required)
    .map(([name]) => name);
  return {
    title: type,
    description: definition.summary,
    type: 'object',
    properties: { ...common, ...own, type: { const: type, description: definition.summary } },
    required: ['type', ...required],
    additionalProperties: false,
  };
}

export function configJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(INPUTS)) {
    // A config file cannot name another config file.
    if (name === 'config') continue;
    properties[name] = structuredClone(spec.json);
  }
  properties.targets = {
    description: INPUTS.targets?.description,
    type: 'array',
    items: { oneOf: TARGET_TYPES.map(targetBranch) },
  };
  properties.members = {
    description: INPUTS.members?.description,
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: Object.fromEntries(MEMBER_KEYS.map((key) => [key, { type: ['string', 'number'] }])),
      additionalProperties: false,
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'workflow-notify configuration',
    description: 'The config file of workflow-notify (the `config` input): any input plus targets and members.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}
