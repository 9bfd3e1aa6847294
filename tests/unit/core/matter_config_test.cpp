// The `matter` section of the main config (core/matter_config.hpp) and the "via" field of a /set
// (core/command.hpp): defaults, a full section, the passcodes the Matter specification forbids, a
// device both included and excluded, unknown keys; "via": "matter" accepted and kept off the
// driver's params, anything else refused with the value echoed.
#include "core/command.hpp"
#include "core/config.hpp"

#include <gtest/gtest.h>

namespace {

hearth::checked<hearth::config> parse_matter(const std::string& text) {
    return hearth::parse_config(text, "test.json", "/etc/hearth");
}

std::string matter_error(const hearth::checked<hearth::config>& r) {
    return r.has_value() || r.error().empty() ? std::string() : r.error().at(0).to_string();
}

TEST(matter_config, defaults_are_off_on_port_5540_beside_the_database) {
    auto r = parse_matter(R"({"database": {"path": "/var/lib/hearth/hearth.db"}})");
    ASSERT_TRUE(r.has_value()) << matter_error(r);
    EXPECT_FALSE(r->matter.enabled);
    EXPECT_EQ(r->matter.port, 5540);
    EXPECT_FALSE(r->matter.passcode.has_value());
    EXPECT_FALSE(r->matter.discriminator.has_value());
    EXPECT_EQ(r->matter.state_dir, "/var/lib/hearth/matter");
}

TEST(matter_config, a_full_section_is_read_and_its_summary_hides_the_passcode) {
    auto r = parse_matter(R"({"matter": {"enabled": true, "port": 5541, "passcode": 20202021,
        "discriminator": 3840, "include": ["living_light", "hall_lock"], "exclude": ["front_camera"],
        "state_dir": "matter-state"}})");
    ASSERT_TRUE(r.has_value()) << matter_error(r);
    EXPECT_TRUE(r->matter.enabled);
    EXPECT_EQ(r->matter.port, 5541);
    EXPECT_EQ(r->matter.passcode, 20202021);
    EXPECT_EQ(r->matter.discriminator, 3840);
    EXPECT_EQ(r->matter.include, (std::vector<std::string>{"living_light", "hall_lock"}));
    EXPECT_EQ(r->matter.exclude, (std::vector<std::string>{"front_camera"}));
    EXPECT_EQ(r->matter.state_dir, "/etc/hearth/matter-state");
    const auto summary = r->summary().at("matter");
    EXPECT_TRUE(summary.at("passcode_set").get<bool>());
    EXPECT_EQ(summary.dump().find("20202021"), std::string::npos) << summary.dump();
}

TEST(matter_config, trivial_passcodes_are_refused_with_the_pointer) {
    for (const char* code : {"11111111", "12345678", "87654321", "99999999", "0"}) {
        auto r = parse_matter(std::string(R"({"matter": {"passcode": )") + code + "}}");
        ASSERT_FALSE(r.has_value()) << code;
        EXPECT_NE(matter_error(r).find("/matter/passcode"), std::string::npos) << matter_error(r);
    }
    EXPECT_TRUE(hearth::is_valid_matter_passcode(20202021));
    EXPECT_TRUE(hearth::is_valid_matter_passcode(1));
    EXPECT_FALSE(hearth::is_valid_matter_passcode(99999999));
}

TEST(matter_config, a_device_both_included_and_excluded_is_an_error) {
    auto r = parse_matter(R"({"matter": {"include": ["a", "b"], "exclude": ["c", "b"]}})");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(matter_error(r).find("/matter/exclude/1"), std::string::npos) << matter_error(r);
    EXPECT_NE(matter_error(r).find("'b' is both included and excluded"), std::string::npos) << matter_error(r);
}

TEST(matter_config, unknown_keys_and_bad_ranges_are_refused) {
    EXPECT_NE(matter_error(parse_matter(R"({"matter": {"pin": 20202021}})")).find("/matter"), std::string::npos);
    EXPECT_NE(matter_error(parse_matter(R"({"matter": {"discriminator": 4096}})")).find("/matter/discriminator"),
              std::string::npos);
    EXPECT_NE(matter_error(parse_matter(R"({"matter": {"include": ["Bad Id"]}})")).find("/matter/include/0"),
              std::string::npos);
}

hearth::device_descriptor a_lock() {
    hearth::device_descriptor d;
    d.id = "hall_lock";
    d.type = hearth::device_type::lock;
    d.commands["unlock"] = hearth::command_spec{};
    return d;
}

TEST(command_relay, via_matter_is_kept_apart_from_the_params) {
    auto c = hearth::parse_set_payload(a_lock(), R"({"command": "unlock", "code": "1234", "via": "matter"})");
    ASSERT_TRUE(c.has_value()) << c.error();
    EXPECT_EQ(c->via, "matter");
    EXPECT_EQ(c->to_driver_json().dump().find("matter"), std::string::npos);
    EXPECT_TRUE(hearth::is_person_command_source("matter"));
    EXPECT_TRUE(hearth::is_person_command_source("mqtt"));
    EXPECT_FALSE(hearth::is_person_command_source("rule"));
    EXPECT_FALSE(hearth::is_person_command_source("internal"));
}

TEST(command_relay, any_other_via_is_refused_and_echoed) {
    for (const char* payload : {R"({"command": "unlock", "via": "keypad"})", R"({"command": "unlock", "via": 7})",
                                R"({"command": "unlock", "via": "rule"})"}) {
        auto c = hearth::parse_set_payload(a_lock(), payload);
        ASSERT_FALSE(c.has_value()) << payload;
        EXPECT_NE(c.error().find("'via' must be \"matter\""), std::string::npos) << c.error();
    }
}

}  // namespace
