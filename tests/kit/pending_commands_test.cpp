// pending_commands on a real io_context: completion by a matching report (partial reports
// merge), at once when already reached, timeout with HEARTH_ERR_TIMEOUT and a precise message,
// forgetting a stale state, failing a device's commands, numbers compare by value (50 == 50.0).
#include <hearth/kit/pending_commands.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

namespace {

using namespace std::chrono_literals;
using hearth::json;
using hearth::status;

struct outcome {
    status code;
    std::string message;
};

class kit_pending : public ::testing::Test {
protected:
    boost::asio::io_context io;
    std::map<std::uint64_t, outcome> done;
    hearth::kit::pending_commands pending{io, [this](std::uint64_t id, status code, const std::string& message) {
                                              done[id] = {code, message};
                                          }};
};

TEST_F(kit_pending, completes_when_every_target_property_is_reported) {
    pending.expect(1, "bulb", {{"on", true}, {"brightness", 50}});
    pending.on_state("bulb", {{"on", true}});
    EXPECT_TRUE(done.empty());
    pending.on_state("lamp", {{"brightness", 50}});  // another device
    EXPECT_TRUE(done.empty());
    pending.on_state("bulb", {{"brightness", 50.0}});
    ASSERT_EQ(done.count(1), 1u);
    EXPECT_EQ(done[1].code, status::ok);
    EXPECT_EQ(pending.size(), 0u);
}

TEST_F(kit_pending, completes_at_once_when_the_known_state_already_matches) {
    pending.on_state("plug", {{"on", false}});
    pending.expect(2, "plug", {{"on", false}});
    ASSERT_EQ(done.count(2), 1u);
    EXPECT_EQ(done[2].code, status::ok);
}

TEST_F(kit_pending, after_forget_only_a_new_report_completes) {
    pending.on_state("lock", {{"lock_state", "locked"}});
    pending.forget("lock");
    pending.expect(4, "lock", {{"lock_state", "locked"}});
    EXPECT_TRUE(done.empty()) << "a forgotten (possibly stale) state completed the command";
    pending.on_state("lock", {{"lock_state", "locked"}});
    ASSERT_EQ(done.count(4), 1u);
    EXPECT_EQ(done[4].code, status::ok);
}

TEST_F(kit_pending, times_out_with_a_precise_message) {
    pending.expect(3, "plug", {{"on", true}}, 5ms);
    pending.on_state("plug", {{"on", false}});
    io.run_for(5s);  // returns once the timeout handler ran (no other work)
    ASSERT_EQ(done.count(3), 1u);
    EXPECT_EQ(done[3].code, status::timeout);
    EXPECT_EQ(done[3].message, R"(plug did not reach {"on":true} within 5 ms)");
    pending.on_state("plug", {{"on", true}});  // too late: nothing twice
    EXPECT_EQ(done.size(), 1u);
}

TEST_F(kit_pending, fail_device_and_fail_all_answer_every_pending_command_once) {
    pending.expect(4, "a", {{"on", true}});
    pending.expect(5, "b", {{"on", true}});
    pending.expect(6, "b", {{"on", false}});
    pending.fail_device("b", status::offline, "b went offline");
    EXPECT_EQ(done.size(), 2u);
    EXPECT_EQ(done[5].code, status::offline);
    EXPECT_EQ(done[6].message, "b went offline");
    pending.fail_all(status::offline, "stopping");
    EXPECT_EQ(done[4].message, "stopping");
    EXPECT_EQ(pending.size(), 0u);
    io.run_for(5s);  // cancelled timers do not answer again
    EXPECT_EQ(done.size(), 3u);
}

TEST_F(kit_pending, a_non_object_report_or_target_is_harmless) {
    pending.on_state("x", json::array({1, 2}));
    pending.expect(7, "x", json("not an object"));  // treated as "no target": done at once
    EXPECT_EQ(done[7].code, status::ok);
}

}  // namespace
