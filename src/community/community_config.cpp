// Loading and checking hearth-community's config (community_config.hpp).
#include "community/community_config.hpp"

#include "core/broker_url.hpp"
#include "core/json_schema.hpp"

#include <fstream>
#include <sstream>

namespace hearth::community {
namespace {

const char* const schema_text = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["urls", "database"],
  "properties": {
    "urls": {"type": "array", "minItems": 1, "maxItems": 16, "items": {"type": "string", "minLength": 1}},
    "client_id": {"type": "string", "minLength": 1, "maxLength": 23, "pattern": "^[A-Za-z0-9_-]+$"},
    "username": {"type": "string", "minLength": 1, "maxLength": 128},
    "password_file": {"type": "string", "minLength": 1},
    "tls": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "ca_file": {"type": "string", "minLength": 1},
        "cert_file": {"type": "string", "minLength": 1},
        "key_file": {"type": "string", "minLength": 1}
      }
    },
    "database": {"type": "string", "minLength": 1},
    "escalate_after_s": {"type": "integer", "minimum": 1, "maximum": 86400},
    "dedup_days": {"type": "integer", "minimum": 1, "maximum": 365}
  }
})json";

std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& path) {
    const std::filesystem::path p(path);
    return p.is_absolute() ? p : base_dir / p;
}

result<std::string> read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        return fail("cannot read " + path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

const nlohmann::json& community_config_schema() {
    static const nlohmann::json schema = nlohmann::json::parse(schema_text);
    return schema;
}

result<community_config> parse_community_config(const nlohmann::json& doc, const std::filesystem::path& base_dir) {
    const auto problems = validate_json_schema(community_config_schema(), doc);
    std::string errors;
    for (const auto& problem : problems) {
        errors += (problem.pointer.empty() ? std::string("(root)") : problem.pointer) + ": " + problem.reason + "\n";
    }
    if (!errors.empty()) {
        return fail(errors);
    }
    community_config config;
    for (std::size_t i = 0; i < doc["urls"].size(); ++i) {
        const auto& url = doc["urls"][i].get_ref<const std::string&>();
        const auto problem = broker_url_problem(url);
        if (!problem.empty()) {
            errors += "/urls/" + std::to_string(i) + ": " + problem + "\n";
        }
        config.urls.push_back(url);
    }
    config.client_id = doc.value("client_id", config.client_id);
    config.username = doc.value("username", std::string());
    config.database = resolve(base_dir, doc["database"].get<std::string>());
    config.escalate_after_s = doc.value("escalate_after_s", config.escalate_after_s);
    config.dedup_days = doc.value("dedup_days", config.dedup_days);
    if (doc.contains("tls")) {
        const auto& tls = doc["tls"];
        const auto file = [&](const char* key) {
            return tls.contains(key) ? resolve(base_dir, tls[key].get<std::string>()).string() : std::string();
        };
        config.ca_file = file("ca_file");
        config.cert_file = file("cert_file");
        config.key_file = file("key_file");
    }
    if (doc.contains("password_file")) {
        auto text = read_text(resolve(base_dir, doc["password_file"].get<std::string>()));
        if (!text) {
            errors += "/password_file: " + text.error() + "\n";
        } else {
            auto password = text.value();
            while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
                password.pop_back();
            }
            config.password = password;
        }
    }
    if (!errors.empty()) {
        return fail(errors);
    }
    return config;
}

result<community_config> load_community_config(const std::filesystem::path& path) {
    auto text = read_text(path);
    if (!text) {
        return fail(text.error());
    }
    const auto doc = nlohmann::json::parse(text.value(), nullptr, false);
    if (doc.is_discarded()) {
        return fail(path.string() + ": not valid JSON");
    }
    auto parsed = parse_community_config(doc, path.parent_path());
    if (!parsed) {
        return fail(path.string() + ":\n" + parsed.error());
    }
    return parsed;
}

}  // namespace hearth::community
