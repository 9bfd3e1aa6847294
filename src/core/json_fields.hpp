// Checked accessors for fields of untrusted JSON objects (bridge request arguments, driver
// reports, worker frames). A wrong type never throws: the reader records one precise error
// ("'from' must be an integer (ms since the epoch), got string") that the caller answers with.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace hearth {

class field_reader {
public:
    /// `object` must outlive the reader. A non-object reads as "no fields".
    explicit field_reader(const nlohmann::json& object) : object_(object) {}
    explicit field_reader(nlohmann::json&&) = delete;  ///< would dangle: the reader keeps a reference

    /// The string field `key`; nullopt when absent (no error) or of another type (error).
    std::optional<std::string> optional_string(const char* key);
    /// As optional_string, but absence is an error too ("'device' (string) is required").
    std::optional<std::string> required_string(const char* key);
    /// An integer field in [min, max]; a number with a fraction, a string or an out-of-range value
    /// is an error. `what` describes the unit in errors, e.g. "ms since the epoch".
    std::optional<std::int64_t> optional_integer(const char* key,
                                                 std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                                 std::int64_t max = std::numeric_limits<std::int64_t>::max(),
                                                 const char* what = nullptr);
    std::optional<bool> optional_bool(const char* key);

    /// True when any field read so far was refused.
    [[nodiscard]] bool failed() const { return !error_.empty(); }
    /// The first refusal (empty when none).
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    const nlohmann::json* find(const char* key) const;
    void fail(std::string why);

    const nlohmann::json& object_;
    std::string error_;
};

/// "string", "integer", "number", "boolean", "array", "object" or "null".
std::string json_kind(const nlohmann::json& value);

}  // namespace hearth
