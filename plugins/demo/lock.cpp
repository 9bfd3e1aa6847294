// Role: the hall door lock. Never optimistic: lock/unlock/unlatch go through locking/unlocking
// and settle on a host timer, and the command completes (HEARTH_PENDING -> command_result) only
// then. Supports auto-relock, an occasional resident arriving by keypad, and an injectable jam
// (config jam_lock) that ends in "jammed" with a lock_alarm.
#include "devices.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace hearth::demo {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds k_bolt_travel{1500};
constexpr double k_battery_per_operation = 0.05;  // %

class door_lock final : public sim_device {
public:
    door_lock(const device_args& a, bool jam_next) : sim_device(a), jam_next_(jam_next) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::lock(id(), "Hall door lock")
                            .unlatch()
                            .prop("door_state", property::choice({"open", "closed", "ajar"}))
                            .prop("battery", property::integer(0, 100).unit("%"))
                            .prop("auto_relock_s", property::integer(0, 3600).writable().unit("s")),
                        "Demo Smart Lock");
    }
    [[nodiscard]] json state() const override {
        return {{"lock_state", lock_state_},
                {"door_state", door_state_},
                {"battery", std::lround(battery_)},
                {"auto_relock_s", auto_relock_s_}};
    }
    void tick(double dt_s) override {
        battery_ = std::max(1.0, battery_ - dt_s * 2e-6);
        // Now and then a resident comes home and unlocks with the keypad.
        if (lock_state_ == "locked" && door_state_ == "closed" && rng().happens(dt_s, 4 * 3600))
            begin("unlatch", "keypad", std::nullopt);
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name != "auto_relock_s") return sim_device::set_property(name, v);
        auto_relock_s_ = std::clamp<std::int64_t>(v.get<std::int64_t>(), 0, 3600);
        host().cancel(relock_timer_);
        if (lock_state_ == "unlocked") arm_relock();
    }
    status on_command(const command& cmd) override {
        if (cmd.name != "lock" && cmd.name != "unlock" && cmd.name != "unlatch")
            refuse(status::unsupported, "unknown command " + cmd.name);
        if (lock_state_ == "locking" || lock_state_ == "unlocking")
            refuse(status::device_error, "the lock is busy with another operation");
        if ((cmd.name == "lock" && lock_state_ == "locked") || (cmd.name == "unlock" && lock_state_ == "unlocked"))
            return status::ok;  // already there
        if (cmd.name == "lock" && door_state_ != "closed") refuse(status::device_error, "the door is not closed");
        begin(cmd.name, "remote", cmd.id);
        return status::pending;
    }

private:
    /// Starts moving the bolt; the outcome is settled by finish() after k_bolt_travel.
    void begin(const std::string& operation, const std::string& source, std::optional<std::uint64_t> command_id) {
        host().cancel(relock_timer_);
        operation_ = operation;
        source_ = source;
        pending_command_ = command_id;
        lock_state_ = operation == "lock" ? "locking" : "unlocking";
        publish();
        move_timer_ = host().after(k_bolt_travel, [this] { finish(); });
    }

    void finish() {
        move_timer_ = 0;
        battery_ = std::max(1.0, battery_ - k_battery_per_operation);
        json op = {{"operation", operation_}, {"source", source_}};
        if (source_ == "keypad") op["user"] = "resident";
        if (operation_ == "lock" && jam_next_) {
            jam_next_ = false;
            lock_state_ = "jammed";
            emit("lock_alarm", {{"alarm", "jammed"}});
            op["result"] = "failure";
            op["error"] = "jammed";
            emit("lock_operation", op);
            complete(status::device_error, "the bolt jammed while locking");
            return;
        }
        lock_state_ = operation_ == "lock" ? "locked" : operation_ == "unlock" ? "unlocked" : "unlatched";
        op["result"] = "success";
        emit("lock_operation", op);
        complete(status::ok, {});
        if (operation_ == "unlock") arm_relock();
        if (operation_ == "unlatch") walk_through();
    }

    void complete(status code, std::string_view message) {
        if (!pending_command_) return;
        host().host().command_result(*pending_command_, code, message);
        pending_command_.reset();
    }

    /// After an unlatch someone walks through: door ajar -> open, latch released, door closes.
    void walk_through() {
        door_state_ = "ajar";
        publish();
        door_timer_ = host().after(milliseconds(2000), [this] {
            door_state_ = "open";
            if (lock_state_ == "unlatched") lock_state_ = "unlocked";
            publish();
            door_timer_ = host().after(milliseconds(8000), [this] {
                door_timer_ = 0;
                door_state_ = "closed";
                publish();
                if (lock_state_ == "unlocked") arm_relock();
            });
        });
    }

    void arm_relock() {
        host().cancel(relock_timer_);
        if (auto_relock_s_ > 0)
            relock_timer_ = host().after(milliseconds(auto_relock_s_ * 1000), [this] { try_relock(); });
    }

    /// Auto-relock: only from "unlocked", and only once the door is closed (checked every 5 s).
    void try_relock() {
        relock_timer_ = 0;
        if (lock_state_ != "unlocked") return;
        if (door_state_ != "closed") {
            relock_timer_ = host().after(milliseconds(5000), [this] { try_relock(); });
            return;
        }
        begin("lock", "auto", std::nullopt);
    }

    std::string lock_state_ = "locked";
    std::string door_state_ = "closed";
    double battery_ = 87;
    std::int64_t auto_relock_s_ = 60;
    bool jam_next_;
    std::string operation_;
    std::string source_;
    std::optional<std::uint64_t> pending_command_;
    std::uint64_t move_timer_ = 0;
    std::uint64_t relock_timer_ = 0;
    std::uint64_t door_timer_ = 0;
};

}  // namespace

std::unique_ptr<sim_device> make_lock(const device_args& a) {
    return std::make_unique<door_lock>(a, a.config.value("jam_lock", false));
}

}  // namespace hearth::demo
