// Loading and checking of scene files (<scenes.dir>/*.json) into one rule_set, all or nothing.
//
// Each file goes through three passes: JSON syntax (error at "line L column C"), the JSON Schema in
// config/schema/scenes.schema.json (embedded at build time, so hearthd and editors agree), then
// semantic checks the schema cannot express: durations and times, duplicate ids across all files,
// references to scenes/automations that do not exist, reference cycles between scenes, impossible
// numeric ranges and — when a device lookup is given — unknown devices, properties, commands,
// events and values (checked against each device's descriptor, the same checks a command gets).
//
// Device checks: a lookup is given only when it knows the full device set (hearthd passes the
// registry once drivers have reported ready; it also holds the devices restored from the store).
// Without a lookup (hearthd --check-config has no registry) device references are not checked;
// everything else is. Any error anywhere refuses the whole set: the caller keeps what it runs.
#pragma once

#include "core/device_model.hpp"
#include "rules/rule_model.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hearth::rules {

/// Returns the descriptor of a device id, or nullptr when there is no such device.
using device_lookup = std::function<const device_descriptor*(const std::string&)>;

struct load_options {
    device_lookup devices;       ///< empty: device/property/command/value checks are skipped
    bool have_location = false;  ///< sun triggers need hearth.json "location"
};

/// One scene file's name (as errors show it) and its text.
struct source_file {
    std::string name;
    std::string text;
};

/// The embedded scene-file schema (config/schema/scenes.schema.json).
const nlohmann::json& scenes_schema();

/// Loads every regular *.json file of `dir` (sorted by name). A missing directory is an empty
/// set, not an error; an unreadable file is an error. Pure apart from reading the files.
/// Errors: every problem found, in file order (shown with to_string(scene_labels)).
checked<rule_set> load_scene_dir(const std::filesystem::path& dir, const load_options& options);

/// Checks and combines already-read files (tests, and the set stored in the database).
checked<rule_set> load_scene_sources(const std::vector<source_file>& files, const load_options& options);

}  // namespace hearth::rules
