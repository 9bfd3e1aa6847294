// Scene file loading: syntax, schema, model parse, then set-wide and device checks (see
// scene_loader.hpp).
#include "rules/scene_loader.hpp"

#include "core/command.hpp"
#include "core/config.hpp"
#include "core/json_input.hpp"
#include "core/json_schema.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace hearth {
extern const char* const embedded_scenes_schema;  // generated from config/schema/scenes.schema.json
}

namespace hearth::rules {

using json = nlohmann::json;
namespace fs = std::filesystem;

const json& scenes_schema() {
    static const json schema = json::parse(embedded_scenes_schema);
    return schema;
}

namespace {

/// JSON nesting allowed in a scene file: max_condition_depth and/or/not levels (two JSON levels
/// each) under the file's own structure.
constexpr std::size_t max_scene_depth = 2 * max_condition_depth + 8;
constexpr std::uintmax_t max_scene_file_bytes = std::uintmax_t{4} << 20;

std::vector<std::string> keys_of(const auto& map) {
    std::vector<std::string> keys;
    keys.reserve(map.size());
    for (const auto& [k, _] : map) keys.push_back(k);
    return keys;
}

/// Device checks of one file's rules against descriptors.
class device_checker {
public:
    device_checker(const device_lookup& lookup, const std::string& file, located_errors& errors)
        : lookup_(lookup), file_(file), errors_(errors) {}

    void check(const scene& s) {
        for (const auto& t : s.targets) {
            if (!t.scene.empty()) continue;
            if (const auto* d = device(t.device, t.pointer + "/device")) command(*d, t.command, t.pointer);
        }
    }

    void check(const automation& a) {
        for (const auto& t : a.triggers) trigger_refs(t);
        for (const auto& c : a.conditions) condition_refs(c);
        for (const auto& act : a.actions) {
            if (act.type == action_type::command) {
                if (const auto* d = device(act.device, act.pointer + "/device")) command(*d, act.command, act.pointer);
            } else if (act.type == action_type::run_when_cheapest) {
                const std::string ptr = act.pointer + "/run_when_cheapest";
                if (const auto* d = device(act.device, ptr + "/device")) command(*d, act.command, ptr);
            } else if (act.type == action_type::wait) {
                condition_refs(act.until);
            }
        }
    }

private:
    void fail(const std::string& pointer, std::string reason) {
        errors_.push_back({file_, pointer, std::move(reason)});
    }

    const device_descriptor* device(const std::string& id, const std::string& pointer) {
        const device_descriptor* d = lookup_(id);
        if (d == nullptr) fail(pointer, "unknown device '" + id + "'");
        return d;
    }

    const value_spec* property(const std::string& device_id, const std::string& name, const std::string& ptr) {
        const auto* d = device(device_id, ptr + "/device");
        if (d == nullptr) return nullptr;
        auto it = d->properties.find(name);
        if (it != d->properties.end()) return &it->second;
        std::string reason = "device '" + device_id + "' has no property '" + name + "'";
        if (auto near = closest_match(name, keys_of(d->properties)); !near.empty())
            reason += " (did you mean '" + near + "'?)";
        fail(ptr + "/property", reason);
        return nullptr;
    }

    void value(const value_spec& spec, const std::optional<json>& v, const std::string& ptr) {
        if (!v) return;
        if (auto why = check_value(spec, *v, false)) fail(ptr, "impossible value " + v->dump() + ": " + *why);
    }

    void range(const value_spec& spec, std::optional<double> above, std::optional<double> below,
               const std::string& ptr) {
        if (spec.type != value_type::integer && spec.type != value_type::number) {
            fail(ptr + "/property",
                 "above/below need a numeric property, this one is " + std::string(value_type_name(spec.type)));
            return;
        }
        if (above && spec.max && *above >= *spec.max)
            fail(ptr + "/above", "impossible range: the property never exceeds its maximum " + json(*spec.max).dump());
        if (below && spec.min && *below <= *spec.min)
            fail(ptr + "/below", "impossible range: the property is never below its minimum " + json(*spec.min).dump());
    }

    void trigger_refs(const trigger& t) {
        if (t.type == trigger_type::state || t.type == trigger_type::numeric) {
            const auto* spec = property(t.device, t.property, t.pointer);
            if (spec == nullptr) return;
            value(*spec, t.from, t.pointer + "/from");
            value(*spec, t.to, t.pointer + "/to");
            if (t.type == trigger_type::numeric) range(*spec, t.above, t.below, t.pointer);
        } else if (t.type == trigger_type::event) {
            const auto* d = device(t.device, t.pointer + "/device");
            if (d == nullptr || d->events.contains(t.event_type)) return;
            std::string reason = "device '" + t.device + "' has no event '" + t.event_type + "'";
            const std::vector<std::string> events(d->events.begin(), d->events.end());
            if (auto near = closest_match(t.event_type, events); !near.empty())
                reason += " (did you mean '" + near + "'?)";
            fail(t.pointer + "/event_type", reason);
        }
    }

    void condition_refs(const condition& c) {
        if (c.type == condition_type::state || c.type == condition_type::numeric) {
            const auto* spec = property(c.device, c.property, c.pointer);
            if (spec == nullptr) return;
            value(*spec, c.is, c.pointer + "/is");
            value(*spec, c.is_not, c.pointer + "/is_not");
            if (c.type == condition_type::numeric) range(*spec, c.above, c.below, c.pointer);
        }
        for (const auto& child : c.children) condition_refs(child);
    }

    void command(const device_descriptor& d, const device_command& cmd, const std::string& ptr) {
        if (auto why = validate_command(d, cmd)) fail(ptr + (cmd.name == "set" ? "/set" : "/command"), *why);
    }

    const device_lookup& lookup_;
    const std::string& file_;
    located_errors& errors_;
};

/// Checks that never need devices: ranges given in the file itself.
void check_ranges(const automation& a, located_errors& errors) {
    auto check = [&](std::optional<double> above, std::optional<double> below, const std::string& ptr) {
        if (above && below && *above >= *below) {
            errors.push_back(
                {a.file, ptr,
                 "impossible range: above " + json(*above).dump() + " is not below " + json(*below).dump()});
        }
    };
    std::function<void(const condition&)> walk = [&](const condition& c) {
        check(c.above, c.below, c.pointer);
        if (c.type == condition_type::time && c.after_s && c.before_s && *c.after_s == *c.before_s)
            errors.push_back({a.file, c.pointer, "empty time window: after equals before"});
        for (const auto& child : c.children) walk(child);
    };
    for (const auto& t : a.triggers) check(t.above, t.below, t.pointer);
    for (const auto& c : a.conditions) walk(c);
    for (const auto& act : a.actions)
        if (act.type == action_type::wait) check(act.until.above, act.until.below, act.pointer + "/wait");
}

/// Cross-file checks: duplicates, references, scene cycles, sun triggers without a location.
void check_set(const std::vector<scene>& scenes, const std::vector<automation>& automations,
               const load_options& options, rule_set& out, located_errors& errors) {
    std::map<std::string, std::string> first_seen;  // id -> "file at pointer"
    auto claim = [&](const std::string& id, const std::string& file, const std::string& ptr) {
        auto [it, fresh] = first_seen.emplace(id, file + " at " + ptr);
        if (!fresh)
            errors.push_back({file, ptr + "/id", "duplicate id '" + id + "' (first defined in " + it->second + ")"});
        return fresh;
    };
    for (const auto& s : scenes)
        if (claim(s.id, s.file, s.pointer)) out.scenes.emplace(s.id, s);
    for (const auto& a : automations)
        if (claim(a.id, a.file, a.pointer)) out.automations.emplace(a.id, a);

    for (const auto& [id, s] : out.scenes) {
        for (const auto& t : s.targets) {
            if (!t.scene.empty() && !out.scenes.contains(t.scene))
                errors.push_back({s.file, t.pointer + "/scene", "unknown scene '" + t.scene + "'"});
        }
    }
    for (const auto& [id, a] : out.automations) {
        for (const auto& act : a.actions) {
            if (act.type == action_type::scene && !out.scenes.contains(act.target)) {
                errors.push_back({a.file, act.pointer + "/scene", "unknown scene '" + act.target + "'"});
            }
            if ((act.type == action_type::enable || act.type == action_type::disable) &&
                !out.automations.contains(act.target)) {
                errors.push_back({a.file, act.pointer + "/" + std::string(to_string(act.type)),
                                  "unknown automation '" + act.target + "'"});
            }
        }
        for (const auto& t : a.triggers) {
            if (t.type == trigger_type::sun && !options.have_location) {
                errors.push_back(
                    {a.file, t.pointer, "a sun trigger needs \"location\" (latitude, longitude) in hearth.json"});
            }
        }
    }

    // Scene cycles: depth-first search with colours; report each cycle once, at the scene closing it.
    std::map<std::string, int> colour;  // 0 new, 1 on the stack, 2 done
    std::vector<std::string> stack;
    std::function<void(const scene&)> visit = [&](const scene& s) {
        colour[s.id] = 1;
        stack.push_back(s.id);
        for (const auto& t : s.targets) {
            auto next = out.scenes.find(t.scene);
            if (t.scene.empty() || next == out.scenes.end()) continue;
            if (colour[t.scene] == 1) {
                std::string path;
                auto from = std::find(stack.begin(), stack.end(), t.scene);
                for (auto it = from; it != stack.end(); ++it) path += *it + " -> ";
                errors.push_back({s.file, t.pointer + "/scene", "scene reference cycle: " + path + t.scene});
            } else if (colour[t.scene] == 0) {
                visit(next->second);
            }
        }
        stack.pop_back();
        colour[s.id] = 2;
    };
    for (const auto& [id, s] : out.scenes)
        if (colour[id] == 0) visit(s);
}

}  // namespace

checked<rule_set> load_scene_sources(const std::vector<source_file>& files, const load_options& options) {
    located_errors errors;
    std::vector<scene> scenes;
    std::vector<automation> automations;
    for (const auto& f : files) {
        // Depth-checked: a condition nested 10,000 deep is refused here, before anything
        // recursive (schema, model) sees it. Error texts never quote raw bytes (Latin-1 files).
        json_input in = parse_json_input(f.text, max_scene_depth);
        if (!in.ok) {
            errors.push_back(syntax_error(
                valid_utf8(f.name), f.text, in.byte,
                in.too_deep ? in.error + " (conditions nest at most " + std::to_string(max_condition_depth) + " levels)"
                            : in.error));
            continue;
        }
        json doc = std::move(in.value);
        auto schema_errors = validate_json_schema(scenes_schema(), doc);
        if (!schema_errors.empty()) {
            for (auto& e : schema_errors) {
                e.file = f.name;
                errors.push_back(std::move(e));
            }
            continue;  // shapes are not trusted: no further passes on this file
        }
        const std::size_t first_scene = scenes.size();
        const std::size_t first_automation = automations.size();
        parse_rule_file(doc, f.name, scenes, automations, errors);
        for (std::size_t i = first_automation; i < automations.size(); ++i) check_ranges(automations[i], errors);
        if (options.devices) {
            device_checker checker(options.devices, f.name, errors);
            for (std::size_t i = first_scene; i < scenes.size(); ++i) checker.check(scenes[i]);
            for (std::size_t i = first_automation; i < automations.size(); ++i) checker.check(automations[i]);
        }
    }
    rule_set set;
    check_set(scenes, automations, options, set, errors);
    if (!errors.empty()) return fail(std::move(errors));
    return set;
}

checked<rule_set> load_scene_dir(const fs::path& dir, const load_options& options) {
    std::vector<fs::path> paths;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return rule_set{};
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".json" && entry.is_regular_file(ec)) paths.push_back(entry.path());
    }
    if (ec) return fail(located_errors{{dir.string(), "", "cannot list the directory: " + ec.message()}});
    std::sort(paths.begin(), paths.end());
    std::vector<source_file> files;
    located_errors read_errors;
    for (const auto& p : paths) {
        const std::string name = valid_utf8(p.string());
        if (const auto size = fs::file_size(p, ec); !ec && size > max_scene_file_bytes) {
            read_errors.push_back({name, "", "larger than " + std::to_string(max_scene_file_bytes) + " bytes"});
            continue;
        }
        std::ifstream in(p, std::ios::binary);
        std::ostringstream text;
        if (in) text << in.rdbuf();
        if (!in || in.bad()) {
            read_errors.push_back({name, "", "cannot read the file"});
            continue;
        }
        files.push_back({name, text.str()});
    }
    auto result = load_scene_sources(files, options);
    if (!read_errors.empty()) {
        if (!result) read_errors.insert(read_errors.end(), result.error().begin(), result.error().end());
        return fail(std::move(read_errors));
    }
    return result;
}

}  // namespace hearth::rules
