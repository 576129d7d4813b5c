//! The JSON schemas of the tools' arguments and results, in the portable form strict
//! validators (the MCP Inspector's strict mode, Ajv) accept without warnings.

use std::sync::Arc;

use rmcp::{
    handler::server::common::{schema_for_input, schema_for_output},
    model::JsonObject,
};

/// The JSON schema of a tool's structured result, made [`portable`].
pub(crate) fn output_schema<T: schemars::JsonSchema + 'static>() -> Arc<JsonObject> {
    portable(&schema_for_output::<T>())
}

/// The JSON schema of a tool's arguments, made [`portable`].
pub(crate) fn input_schema<T: schemars::JsonSchema + 'static>() -> Arc<JsonObject> {
    let schema = schema_for_input::<T>().expect("argument types are structs: object schemas");
    portable(&schema)
}

/// Keywords that describe a value rather than constrain its type: they stay beside an `anyOf`.
const ANNOTATIONS: [&str; 5] = ["description", "title", "default", "examples", "deprecated"];

/// `schema` in the form strict validators accept without warnings (the MCP Inspector's strict
/// mode, Ajv's): no schemars integer `format`s (`uint64` and the like are not JSON Schema
/// formats), and no type unions: `"type": ["string", "null"]` becomes
/// `"anyOf": [{"type": "string"}, {"type": "null"}]`, the type's own keywords (`minimum`,
/// `items`...) moving into its branch and the annotations (`description`...) staying outside.
fn portable(schema: &JsonObject) -> Arc<JsonObject> {
    fn clean(map: &mut JsonObject) {
        if map
            .get("format")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|f| f.starts_with("int") || f.starts_with("uint"))
        {
            map.remove("format");
        }
        if let Some(serde_json::Value::Array(types)) = map.get("type").cloned() {
            map.remove("type");
            let (kept, moved): (JsonObject, JsonObject) = std::mem::take(map)
                .into_iter()
                .partition(|(key, _)| ANNOTATIONS.contains(&key.as_str()));
            let branches = types
                .into_iter()
                .map(|kind| {
                    let mut branch = JsonObject::new();
                    if kind != "null" {
                        branch.extend(moved.clone());
                    }
                    branch.insert("type".to_owned(), kind);
                    serde_json::Value::Object(branch)
                })
                .collect();
            *map = kept;
            map.insert("anyOf".to_owned(), serde_json::Value::Array(branches));
        }
        for value in map.values_mut() {
            match value {
                serde_json::Value::Object(inner) => clean(inner),
                serde_json::Value::Array(items) => items
                    .iter_mut()
                    .filter_map(serde_json::Value::as_object_mut)
                    .for_each(clean),
                _ => {}
            }
        }
    }
    let mut schema = schema.clone();
    clean(&mut schema);
    Arc::new(schema)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::{
        execute::ExecuteOutput,
        params::{DescribeParams, DiscoverParams, ExecuteParams, InspectParams},
        report::InspectOutput,
        view::{DiscoverOutput, NodeView},
    };

    /// Every place in `value` where a `type` is a list, or a `format` names an integer width.
    fn unportable(value: &Value, at: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if map.get("type").is_some_and(Value::is_array) {
                    found.push(format!("{at}: type union"));
                }
                if let Some(Value::String(format)) = map.get("format")
                    && (format.starts_with("int") || format.starts_with("uint"))
                {
                    found.push(format!("{at}: format {format}"));
                }
                for (key, inner) in map {
                    unportable(inner, &format!("{at}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    unportable(inner, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_tool_schema_is_portable() {
        let schemas = [
            ("discover in", input_schema::<DiscoverParams>()),
            ("describe in", input_schema::<DescribeParams>()),
            ("inspect in", input_schema::<InspectParams>()),
            ("execute in", input_schema::<ExecuteParams>()),
            ("discover out", output_schema::<DiscoverOutput>()),
            ("describe out", output_schema::<NodeView>()),
            ("inspect out", output_schema::<InspectOutput>()),
            ("execute out", output_schema::<ExecuteOutput>()),
        ];
        let mut found = Vec::new();
        for (name, schema) in &schemas {
            unportable(&Value::Object((**schema).clone()), name, &mut found);
        }
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn a_nullable_type_becomes_any_of_with_its_keywords_in_its_branch() {
        let Value::Object(schema) = json!({
            "type": "object",
            "properties": {
                "fuel": {"type": ["integer", "null"], "format": "uint64", "minimum": 0,
                         "description": "Fuel."},
                "peer": {"type": ["string", "null"]},
            },
        }) else {
            unreachable!("an object literal")
        };
        let portable = Value::Object((*portable(&schema)).clone());
        assert_eq!(
            portable["properties"]["fuel"],
            json!({"description": "Fuel.",
                   "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]})
        );
        assert_eq!(
            portable["properties"]["peer"],
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]})
        );
    }
}
