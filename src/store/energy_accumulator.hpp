// Energy accounting rules (docs/energy.md): turns a device's `energy_kwh` meter readings, or —
// for a device without a meter — its `power_w` samples, into consumption per hour. Pure and
// in-memory: the store feeds it from queue_state(), writes what it collected in its flush
// transaction (one upsert per touched device-hour, not per sample) and persists each device's
// track so the next reading after a restart continues from the last one. No clock is read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace hearth {

/// Where a device's consumption comes from (stored with every bucket: 0 = meter, 1 = power).
enum class energy_source : int { meter = 0, power = 1 };

/// Tunables of the rules (defaults are documented in docs/energy.md).
struct energy_rules {
    /// A meter step or power sample implying more than this is a glitch (see accept_meter()).
    double max_kw = 50.0;
    /// A power sample is held at most this long; a longer silence counts as nothing.
    std::int64_t power_hold_ms = 3'600'000;
    /// A meter drop larger than this fraction of the last reading is a reset; smaller is jitter.
    double reset_fraction = 0.1;
};

/// What the accountant remembers per device (persisted in `energy_devices`).
struct energy_track {
    energy_source source = energy_source::meter;
    double value = 0;         ///< last accepted meter reading (kWh) or power sample (W)
    std::int64_t ts = 0;      ///< its timestamp (ms), never moves backwards
    double pending_jump = 0;  ///< meter: an implausible reading waiting for confirmation (0 = none)
};

class energy_accumulator {
public:
    explicit energy_accumulator(energy_rules rules = {}) : rules_(rules) {}

    /// Seed a device's track (at open, from the database).
    void restore(const std::string& device_id, const energy_track& track) { tracks_[device_id] = track; }

    /// Feed one state value. Only `energy_kwh` and `power_w` with a finite number matter; returns
    /// true if the value was one of them (accepted or rejected by the rules).
    bool add(const std::string& device_id, const std::string& property, double value, std::int64_t ts);

    /// Consumption collected since the last take, per (device, hour start ms): kWh and source.
    struct bucket_delta {
        double kwh = 0;
        energy_source source = energy_source::meter;
    };
    using bucket_map = std::map<std::pair<std::string, std::int64_t>, bucket_delta>;
    [[nodiscard]] bucket_map& pending() { return pending_; }
    /// Tracks changed since the last take.
    [[nodiscard]] const std::set<std::string>& dirty() const { return dirty_; }
    [[nodiscard]] const std::map<std::string, energy_track>& tracks() const { return tracks_; }
    /// Called after dirty() was committed.
    void clear_dirty() { dirty_.clear(); }

    /// Adds `kwh` to the hours of [from, to) in proportion to their overlap; to <= from puts it all
    /// in the hour of `from`.
    static void spread(bucket_map& into, const std::string& device_id, energy_source source, double kwh,
                       std::int64_t from, std::int64_t to);

private:
    void add_meter(const std::string& device_id, double kwh, std::int64_t ts);
    void add_power(const std::string& device_id, double watts, std::int64_t ts);
    [[nodiscard]] bool plausible(double kwh, std::int64_t from, std::int64_t to) const;

    energy_rules rules_;
    std::map<std::string, energy_track> tracks_;
    bucket_map pending_;
    std::set<std::string> dirty_;
};

}  // namespace hearth
