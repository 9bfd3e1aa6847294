// Log level specs (src/log/levels.hpp): good and bad `--log-level` specs, and that a level set for
// one subsystem logger leaves the others alone.
#include "log/levels.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace hearth::log {
namespace {

levels parse_ok(std::string_view spec) {
    std::string error;
    auto l = parse_levels(spec, error);
    EXPECT_TRUE(l.has_value()) << spec << ": " << error;
    return l.value_or(levels{});
}

std::string parse_error(std::string_view spec) {
    std::string error;
    EXPECT_FALSE(parse_levels(spec, error).has_value()) << spec << " was accepted";
    return error;
}

TEST(log_levels, one_level_for_every_logger) {
    const levels l = parse_ok("debug");
    for (const subsystem s : all_subsystems) EXPECT_EQ(l.of(s), spdlog::level::debug) << name(s);
    EXPECT_EQ(parse_ok("off").of(subsystem::app), spdlog::level::off);
    EXPECT_EQ(parse_ok("error").of(subsystem::app), spdlog::level::err);
}

TEST(log_levels, per_subsystem_with_the_rest_at_info_or_the_given_level) {
    const levels l = parse_ok("mqtt=debug,rules=trace");
    EXPECT_EQ(l.of(subsystem::mqtt), spdlog::level::debug);
    EXPECT_EQ(l.of(subsystem::rules), spdlog::level::trace);
    EXPECT_EQ(l.of(subsystem::store), spdlog::level::info);
    EXPECT_EQ(l.of(subsystem::core), spdlog::level::info);

    const levels m = parse_ok(" mqtt = debug , warn ");  // order and blanks do not matter
    EXPECT_EQ(m.of(subsystem::mqtt), spdlog::level::debug);
    EXPECT_EQ(m.of(subsystem::lock), spdlog::level::warn);
    EXPECT_EQ(m.of(subsystem::driver), spdlog::level::warn);
}

TEST(log_levels, to_spec_gives_the_same_levels_back) {
    for (const char* spec : {"info", "warn,mqtt=debug", "trace,store=off,lock=critical,app=error"}) {
        const levels l = parse_ok(spec);
        EXPECT_EQ(to_spec(l), spec);
        EXPECT_EQ(parse_ok(to_spec(l)), l);
    }
}

TEST(log_levels, bad_specs_are_refused_with_a_precise_reason) {
    EXPECT_EQ(parse_error("mqt=debug"),
              "unknown logger 'mqt' (known: core, store, plugin, driver, sandbox, mqtt, rules, lock, app)");
    EXPECT_EQ(parse_error("verbose"), "unknown level 'verbose' (one of trace|debug|info|warn|error|critical|off)");
    EXPECT_EQ(parse_error("mqtt=loud"),
              "unknown level 'loud' for 'mqtt' (one of trace|debug|info|warn|error|critical|off)");
    EXPECT_EQ(parse_error("mqtt="), "unknown level '' for 'mqtt' (one of trace|debug|info|warn|error|critical|off)");
    EXPECT_EQ(parse_error("=debug"), "no logger name before '=' in '=debug'");
    EXPECT_EQ(parse_error("mqtt=debug,,rules=info"), "empty entry in 'mqtt=debug,,rules=info'");
    EXPECT_EQ(parse_error("mqtt=debug,"), "empty entry in 'mqtt=debug,'");
    EXPECT_EQ(parse_error("mqtt=debug,mqtt=info"), "logger 'mqtt' is given twice");
    EXPECT_EQ(parse_error("debug,info"), "the level for all loggers is given twice");
    EXPECT_NE(parse_error("").find("empty"), std::string::npos);
    EXPECT_NE(parse_error("  ").find("empty"), std::string::npos);
    EXPECT_EQ(parse_error("DEBUG"), "unknown level 'DEBUG' (one of trace|debug|info|warn|error|critical|off)");
}

/// Routes the mqtt and rules loggers into a string for one test, and puts everything back.
class captured_loggers : public ::testing::Test {
protected:
    void SetUp() override {
        saved_ = current();
        for (spdlog::logger* l : {&mqtt(), &rules()}) {
            saved_sinks_.push_back(l->sinks());
            l->sinks().assign(1, sink_);
        }
        sink_->set_pattern("[%n] %l %v");
    }
    void TearDown() override {
        mqtt().sinks() = saved_sinks_[0];
        rules().sinks() = saved_sinks_[1];
        apply(saved_);
    }

    std::ostringstream out_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    levels saved_;
    std::vector<std::vector<spdlog::sink_ptr>> saved_sinks_;
};

TEST_F(captured_loggers, a_level_set_for_mqtt_does_not_change_rules) {
    apply(parse_ok("mqtt=debug"));
    EXPECT_EQ(mqtt().level(), spdlog::level::debug);
    EXPECT_EQ(rules().level(), spdlog::level::info);
    mqtt().debug("mqtt detail");
    rules().debug("rules detail");
    rules().info("rules news");
    EXPECT_NE(out_.str().find("[mqtt] debug mqtt detail"), std::string::npos) << out_.str();
    EXPECT_EQ(out_.str().find("rules detail"), std::string::npos) << out_.str();
    EXPECT_NE(out_.str().find("[rules] info rules news"), std::string::npos) << out_.str();
    EXPECT_EQ(to_spec(current()), "info,mqtt=debug");  // what a driver worker is started with

    apply(parse_ok("rules=trace"));  // a new spec replaces the old one entirely
    EXPECT_EQ(mqtt().level(), spdlog::level::info);
    EXPECT_EQ(rules().level(), spdlog::level::trace);
}

TEST_F(captured_loggers, every_subsystem_has_its_own_registered_logger) {
    for (const subsystem s : all_subsystems) {
        EXPECT_EQ(get(s).name(), name(s));
        EXPECT_EQ(spdlog::get(std::string(name(s))).get(), &get(s)) << name(s);
    }
}

}  // namespace
}  // namespace hearth::log
