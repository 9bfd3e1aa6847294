// Unit tests of `hearthctl matter` rendering and argument checks: the bridge's status in words
// (online, devices, what is not bridged and why; offline when the state is missing), the QR code
// and the pairing codes, the fabrics table, and hostile text from the network never reaching the
// terminal as control characters.
#include "ctl/commands.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;

TEST(MatterView, StatusOnlineWithSkippedDevices) {
    const json state = {{"state", "online"},
                        {"port", 5540},
                        {"devices", 10},
                        {"commissioned", true},
                        {"fabrics", json::array({{{"index", 1}}})},
                        {"skipped", {{{"device", "front_camera"}, {"reason", "cameras have no Matter type\x1b[2J"}}}}};
    std::ostringstream out;
    render_matter_state(state, out);
    const std::string text = out.str();
    EXPECT_NE(text.find("online, Matter port 5540, 10 device(s) bridged, commissioned"), std::string::npos) << text;
    EXPECT_NE(text.find("fabrics: 1"), std::string::npos) << text;
    EXPECT_NE(text.find("not bridged: front_camera (cameras have no Matter type?[2J)"), std::string::npos) << text;
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(MatterView, MissingOrOfflineStateSaysOffline) {
    for (const json& state : {json(), json{{"state", "offline"}}, json("garbage")}) {
        std::ostringstream out;
        render_matter_state(state, out);
        EXPECT_EQ(out.str(), "hearth-matter: offline\n");
    }
}

TEST(MatterView, PairingPrintsTheQrLinesAndBothCodes) {
    const json pairing = {{"manual_code", "34970112332"},
                          {"qr_code", "MT:Y.K9042C00KA0648G00"},
                          {"qr_text", "\u2588\u2580\u2584\n\u2584\u2588\x07\n"}};
    std::ostringstream out;
    render_matter_pairing(pairing, out);
    const std::string text = out.str();
    EXPECT_EQ(text.rfind("\u2588\u2580\u2584\n\u2584\u2588?\n", 0), 0U) << text;
    EXPECT_NE(text.find("manual pairing code: 34970112332"), std::string::npos) << text;
    EXPECT_NE(text.find("QR code payload:     MT:Y.K9042C00KA0648G00"), std::string::npos) << text;
}

TEST(MatterView, FabricsAsATableOrInWords) {
    std::ostringstream out;
    render_matter_fabrics({{"fabrics",
                            {{{"index", 1}, {"label", "Apple Home"}, {"vendor_id", 4937}, {"fabric_id", "2"}},
                             {{"index", 2}, {"label", ""}, {"vendor_id", 24582}, {"fabric_id", "7"}}}}},
                          out, false);
    const std::string text = out.str();
    EXPECT_NE(text.find("INDEX"), std::string::npos) << text;
    EXPECT_NE(text.find("Apple Home"), std::string::npos) << text;
    EXPECT_NE(text.find("24582"), std::string::npos) << text;
    std::ostringstream none;
    render_matter_fabrics({{"fabrics", json::array()}}, none, false);
    EXPECT_NE(none.str().find("not paired with any ecosystem"), std::string::npos) << none.str();
}

parsed_args positionals(std::vector<std::string> p) {
    parsed_args a;
    a.positional = std::move(p);
    return a;
}

TEST(MatterView, ArgumentsAreChecked) {
    EXPECT_NO_THROW(check_matter(positionals({})));
    EXPECT_NO_THROW(check_matter(positionals({"pairing"})));
    EXPECT_NO_THROW(check_matter(positionals({"fabrics"})));
    EXPECT_NO_THROW(check_matter(positionals({"fabrics", "remove", "2"})));
    EXPECT_THROW(check_matter(positionals({"pair"})), usage_error);
    EXPECT_THROW(check_matter(positionals({"pairing", "now"})), usage_error);
    EXPECT_THROW(check_matter(positionals({"fabrics", "remove"})), usage_error);
    EXPECT_THROW(check_matter(positionals({"fabrics", "remove", "-1"})), usage_error);
    EXPECT_THROW(check_matter(positionals({"fabrics", "remove", "99999"})), usage_error);
    EXPECT_THROW(check_matter(positionals({"fabrics", "delete", "1"})), usage_error);
}

}  // namespace
}  // namespace hearth::ctl
