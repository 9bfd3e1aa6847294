// Bad-plugin zoo, hanging driver: handle_command blocks. The watchdog must quarantine it within
// call_timeout + a margin, the loop must stay responsive meanwhile, and shutdown must either join
// (once the call returns) or abandon the thread (while it is still stuck) without crashing.
#include "zoo_harness.hpp"

#include <thread>

namespace {

using zoo::contains;
using zoo::driver;
using zoo::harness;

struct hang_probes {
    void (*reset)() = zoo::probe<void (*)()>("zoo_hang_command", "zoo_hang_reset");
    void (*release)() = zoo::probe<void (*)()>("zoo_hang_command", "zoo_hang_release");
    int (*entered)() = zoo::probe<int (*)()>("zoo_hang_command", "zoo_hang_entered");
    int (*returned)() = zoo::probe<int (*)()>("zoo_hang_command", "zoo_hang_returned");
    [[nodiscard]] bool valid() const { return reset && release && entered && returned; }
};

/// Waits (without the loop) until the stuck call has returned; bounded.
bool wait_returned(const hang_probes& p) {
    const auto deadline = zoo::steady::now() + std::chrono::seconds(2);
    while (p.returned() == 0) {
        if (zoo::steady::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

class zoo_hang : public ::testing::Test {
protected:
    /// Starts good + hang, hangs the driver with turn_on and checks quarantine + responsiveness.
    void hang_and_quarantine() {
        zoo::start_with_good_neighbour(h, {driver("zoo_hang_command", "hang")});
        ASSERT_TRUE(h.wait_online("hang_switch"));
        p = hang_probes{};
        ASSERT_TRUE(p.valid()) << "zoo_hang_command probes not found";
        p.reset();

        const auto sent = zoo::steady::now();
        hung = h.send("hang_switch", "turn_on");
        ASSERT_TRUE(h.run_until([&] { return p.entered() == 1; }, std::chrono::seconds(2)));

        // While the driver thread is stuck, the loop serves the good neighbour.
        h.expect_good_neighbour_works("turn_on", true);
        EXPECT_EQ(p.returned(), 0) << "the good command completed while the bad call was still blocked";
        EXPECT_FALSE(h.rec.bridge_event("plugin_failed", "hang").has_value()) << "quarantined too early";

        ASSERT_TRUE(h.wait_bridge("plugin_failed", "hang", std::chrono::seconds(3)));
        const auto took = zoo::steady::now() - sent;
        EXPECT_GE(took, zoo::call_timeout);
        EXPECT_LE(took, zoo::call_timeout + zoo::watchdog_period + std::chrono::milliseconds(400))
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";

        const auto reason = h.rec.bridge_event("plugin_failed", "hang")->value("reason", "");
        EXPECT_TRUE(contains(reason, "call 'handle_command' did not return within"));
        EXPECT_TRUE(contains(reason, "watchdog limit 300 ms"));
        const auto st = h.status_of("hang");
        EXPECT_EQ(to_string(st.state), "quarantined");
        EXPECT_EQ(st.last_error, reason);

        // The stuck command gets its outcome from the quarantine, not from the driver.
        ASSERT_TRUE(h.run_until([&] { return hung->has_value(); }, std::chrono::seconds(1)));
        EXPECT_FALSE((*hung)->ok);
        EXPECT_EQ((*hung)->status, HEARTH_ERR_UNSUPPORTED);
        EXPECT_TRUE(contains((*hung)->error, "driver 'hang' failed: call 'handle_command'"));
        EXPECT_FALSE(h.gw->registry().find("hang_switch")->online);

        const auto again = h.execute("hang_switch", "turn_off");
        ASSERT_TRUE(again.has_value());
        EXPECT_FALSE(again->ok);
        EXPECT_TRUE(contains(again->error, "is not running"));
        EXPECT_EQ(p.entered(), 1) << "a quarantined driver gets no further calls";

        h.expect_good_neighbour_works("turn_off", false);
    }

    harness h;
    hang_probes p;
    std::shared_ptr<std::optional<hearth::command_outcome>> hung;
};

TEST_F(zoo_hang, quarantined_then_stop_abandons_the_stuck_thread) {
    hang_and_quarantine();
    if (HasFatalFailure()) {
        if (p.release != nullptr) p.release();
        return;
    }
    // Stop while the call is still stuck: the budget runs out and the thread is abandoned.
    const auto before = zoo::steady::now();
    h.gw->stop(std::chrono::milliseconds(200));
    const auto took = zoo::steady::now() - before;
    EXPECT_LT(took, std::chrono::milliseconds(800));
    EXPECT_EQ(p.returned(), 0) << "stop returned without waiting for the stuck call";
    EXPECT_EQ(to_string(h.status_of("hang").state), "stopped");
    EXPECT_EQ(to_string(h.status_of("good").state), "stopped");

    // Let the abandoned thread finish its call: it must not reach the (stopped) core.
    const std::size_t bridge_before = h.rec.bridge.size();
    p.release();
    ASSERT_TRUE(wait_returned(p));
    h.loop.run_for(std::chrono::milliseconds(50));
    EXPECT_EQ(h.rec.bridge.size(), bridge_before);
}

TEST_F(zoo_hang, quarantined_then_released_and_joined) {
    hang_and_quarantine();
    if (p.release != nullptr) p.release();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(wait_returned(p));
    // The late return of a quarantined driver changes nothing in the core.
    h.loop.run_for(std::chrono::milliseconds(50));
    EXPECT_EQ(to_string(h.status_of("hang").state), "quarantined");
    EXPECT_FALSE(h.gw->registry().find("hang_switch")->online);

    const auto before = zoo::steady::now();
    h.gw->stop(std::chrono::milliseconds(1000));
    EXPECT_LT(zoo::steady::now() - before, std::chrono::milliseconds(500)) << "the released thread joins promptly";
    EXPECT_EQ(to_string(h.status_of("hang").state), "stopped");
}

}  // namespace
