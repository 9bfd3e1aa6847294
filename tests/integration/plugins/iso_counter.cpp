// Integration test plugin (isolation_store_test.cpp): one sensor "<id>_counter" whose `value`
// counts 1, 2, 3 ... every `period_ms` (default 20), with `instance` = the worker's PID in its
// first report, so a restarted worker is visible on MQTT and in the history. Every tick also
// reports a `tick` event: an event frame between two states keeps the worker from merging them
// (docs/isolation.md, back-pressure), so every value reaches the core and the store can be
// checked for gaps. Commands: ping (ok, nothing else), flood (`count` more values as fast as
// possible, in timer slices of 2000 so no single call nears the call timeout; the worker merges
// them as designed), and the faults: crash (SIGSEGV), hang (blocks the driver thread;
// bounded at 120 s), leak (allocates 1 MiB blocks until the address-space limit ends the worker;
// bounded at 4 GiB).
#include <hearth/driver.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

/// A real store through `address`, kept out of UBSan's null check (it would exit(1) first).
__attribute__((no_sanitize("undefined"))) void store_through(std::uintptr_t address) {
    *reinterpret_cast<volatile int*>(address) = 42;
}

std::vector<char*> leaked;  // keeps the leak reachable so nothing frees it

class counter final : public hearth::driver {
public:
    counter(hearth::host& h, std::string id, const hearth::json& config)
        : hearth::driver(h), device_(std::move(id) + "_counter"), period_(config.value("period_ms", 20)) {
        if (period_.count() < 1) throw std::invalid_argument("period_ms must be >= 1");
    }

    void start() override {
        const hearth::json descriptor = {
            {"id", device_},
            {"name", "Isolation counter"},
            {"type", "sensor"},
            {"properties", {{"value", {{"type", "int"}}}, {"instance", {{"type", "int"}}}}},
            {"commands",
             {{"ping", hearth::json::object()},
              {"flood", {{"params", {{"count", {{"type", "int"}, {"min", 1}, {"max", 1000000}}}}}}},
              {"crash", hearth::json::object()},
              {"hang", hearth::json::object()},
              {"leak", hearth::json::object()}}},
            {"events", {"tick"}},
        };
        if (!host().register_device(descriptor)) throw std::runtime_error("descriptor refused");
        host().report_availability(device_, true);
        host().report_ready();
        arm();
    }

    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.name == "ping") return hearth::status::ok;
        if (cmd.name == "flood") {
            if (flood_left_ == 0) flood_timer_ = host().set_timer(std::chrono::milliseconds(0), [this] { burst(); });
            flood_left_ += cmd.params.value("count", 10000);
            return hearth::status::ok;
        }
        if (cmd.name == "crash") {
            // Default SIGSEGV action (a sanitizer's handler would exit(1) instead), and an address
            // the optimiser cannot prove null (it would turn the store into a trap): SIGSEGV in
            // every preset.
            std::signal(SIGSEGV, SIG_DFL);
            static volatile std::uintptr_t null_address = 0;
            store_through(null_address);
            ::raise(SIGSEGV);
            std::abort();  // not reached
        }
        if (cmd.name == "hang") {
            const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(120);
            while (std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            return hearth::status::ok;
        }
        if (cmd.name == "leak") {
            for (int i = 0; i < 4096; ++i) {
                char* block = new char[1 << 20];
                std::memset(block, i & 0xff, 1 << 20);
                leaked.push_back(block);
            }
            std::abort();  // 4 GiB did not hit the limit: fail loudly
        }
        throw hearth::command_error(hearth::status::unsupported, "unsupported command " + cmd.name);
    }

    void stop() override {
        if (timer_ != 0) host().cancel_timer(timer_);
        if (flood_timer_ != 0) host().cancel_timer(flood_timer_);
        timer_ = flood_timer_ = 0;
    }

private:
    void arm() {
        timer_ = host().set_timer(period_, [this] { tick(); });
    }

    void tick() {
        hearth::json state = {{"value", ++n_}};
        if (n_ == 1) state["instance"] = static_cast<long>(::getpid());
        host().report_state(device_, state);
        host().report_event(device_, {{"event_type", "tick"}, {"n", n_}});
        arm();
    }

    /// One slice of a flood: short enough for any call timeout, the rest in the next slice.
    void burst() {
        const long now = std::min(flood_left_, 2000L);
        for (long i = 0; i < now; ++i) host().report_state(device_, {{"value", ++n_}});
        flood_left_ -= now;
        flood_timer_ = flood_left_ > 0 ? host().set_timer(std::chrono::milliseconds(0), [this] { burst(); }) : 0;
    }

    std::string device_;
    std::chrono::milliseconds period_;
    std::uint64_t timer_ = 0;
    std::uint64_t flood_timer_ = 0;
    long n_ = 0;
    long flood_left_ = 0;
};

}  // namespace

HEARTH_DRIVER(counter, "iso_counter", "1.0.0", "Integration test: a counting sensor that can crash, hang or leak")
