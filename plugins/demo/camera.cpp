// Role: the front-door camera: motion comes and goes at random (recording while it lasts), a
// visitor sometimes rings the doorbell, snapshots are real JPEG test cards delivered as a
// "snapshot" event; privacy mode stops all of it and refuses snapshots.
#include "devices.hpp"
#include "jpeg_card.hpp"

#include <algorithm>
#include <chrono>

namespace hearth::demo {

namespace {

using std::chrono::milliseconds;

constexpr double k_mean_motion_interval_s = 300;
constexpr double k_doorbell_chance = 0.15;  // per motion episode

class camera final : public sim_device {
public:
    explicit camera(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::camera(id(), "Front door camera")
                            .prop("online", property::boolean())
                            .prop("recording", property::boolean())
                            .prop("privacy_mode", property::boolean().writable())
                            .command("set_privacy", {{"on", property::boolean().required()}})
                            .event("doorbell")
                            .event("snapshot"),
                        "Demo Doorbell Cam");
    }
    [[nodiscard]] json state() const override {
        return {{"online", true},
                {"motion", motion_left_s_ > 0},
                {"recording", motion_left_s_ > 0},
                {"privacy_mode", privacy_}};
    }
    void tick(double dt_s) override {
        if (privacy_) return;
        if (motion_left_s_ > 0) {
            motion_left_s_ = std::max(0.0, motion_left_s_ - dt_s);
            return;
        }
        if (!rng().happens(dt_s, k_mean_motion_interval_s)) return;
        motion_left_s_ = rng().uniform(10, 40);
        emit("motion", {{"active", true}});
        if (rng().chance(k_doorbell_chance)) {
            const auto delay = milliseconds(static_cast<std::int64_t>(rng().uniform(3000, 8000)));
            doorbell_timer_ = host().after(delay, [this] {
                doorbell_timer_ = 0;
                if (!privacy_) emit("doorbell", {{"button", "front"}});
            });
        }
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name == "privacy_mode") {
            set_privacy(v.get<bool>());
        } else {
            sim_device::set_property(name, v);
        }
    }
    status on_command(const command& cmd) override {
        if (cmd.name == "set_privacy") {
            set_privacy(cmd.params.at("on").get<bool>());
        } else if (cmd.name == "snapshot") {
            if (privacy_) refuse(status::invalid, "privacy mode is on");
            const std::uint64_t now = host().now_ms();
            const auto jpeg = render_test_card_jpeg(now);
            emit("snapshot", {{"content_type", "image/jpeg"},
                              {"image_base64", base64_encode(jpeg)},
                              {"width", k_card_width},
                              {"height", k_card_height},
                              {"captured_at_ms", now}});
        } else {
            refuse(status::unsupported, "unknown command " + cmd.name);
        }
        return status::ok;
    }

private:
    void set_privacy(bool on) {
        privacy_ = on;
        if (!on) return;
        motion_left_s_ = 0;  // lens covered: no motion, no recording, no doorbell
        host().cancel(doorbell_timer_);
    }

    bool privacy_ = false;
    double motion_left_s_ = 0;
    std::uint64_t doorbell_timer_ = 0;
};

}  // namespace

std::unique_ptr<sim_device> make_camera(const device_args& a) { return std::make_unique<camera>(a); }

}  // namespace hearth::demo
