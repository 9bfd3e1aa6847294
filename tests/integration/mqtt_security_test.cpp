// Transport security and credentials: hearthd over TLS (CA + server cert made with the openssl
// CLI, subjectAltName IP:127.0.0.1 and DNS:localhost) connects with the right CA and not with a
// wrong one (while staying alive); username + password_file against a mosquitto password file,
// with a log canary: the password never appears in hearthd's debug log nor in what it publishes.
#include "support/hearth_fixture.hpp"

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

class mqtt_security : public hearth_test {
protected:
    /// openssl, failing the test on a non-zero exit.
    void openssl(const std::vector<std::string>& args) {
        std::vector<std::string> argv = {"/usr/bin/openssl"};
        argv.insert(argv.end(), args.begin(), args.end());
        ASSERT_EQ(run_command(argv, dir_ / "openssl.log"), 0) << tail_file(dir_ / "openssl.log", 20);
    }

    /// A self-signed CA `<name>.crt` / `<name>.key` in dir_/tls.
    void make_ca(const std::string& name) {
        fs::create_directories(dir_ / "tls");
        const auto base = (dir_ / "tls" / name).string();
        openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                 base + ".key", "-out", base + ".crt", "-days", "2", "-subj", "/CN=" + name});
    }

    /// server.crt / server.key signed by CA `ca`, valid for 127.0.0.1 and localhost.
    void make_server_cert(const std::string& ca) {
        const auto tls = dir_ / "tls";
        write_file(tls / "san.cnf", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        ASSERT_NO_FATAL_FAILURE(
            openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                     (tls / "server.key").string(), "-out", (tls / "server.csr").string(), "-subj", "/CN=localhost"}));
        ASSERT_NO_FATAL_FAILURE(
            openssl({"x509", "-req", "-in", (tls / "server.csr").string(), "-CA", (tls / (ca + ".crt")).string(),
                     "-CAkey", (tls / (ca + ".key")).string(), "-CAcreateserial", "-out", (tls / "server.crt").string(),
                     "-days", "2", "-extfile", (tls / "san.cnf").string()}));
    }

    /// Broker with a plain listener (for the probe) and a TLS listener (for hearthd).
    void start_tls_broker() {
        ASSERT_NO_FATAL_FAILURE(make_ca("test-ca"));
        ASSERT_NO_FATAL_FAILURE(make_server_cert("test-ca"));
        broker_options o;
        o.with_tls = true;
        o.tls = {dir_ / "tls" / "test-ca.crt", dir_ / "tls" / "server.crt", dir_ / "tls" / "server.key"};
        start_broker(o);
    }

    /// Broker with a password file holding users `hearth` (`secret`) and `probe`.
    void start_password_broker(const std::string& secret) {
        const auto pw = dir_ / "mosquitto.passwd";
        ASSERT_EQ(
            run_command({"/usr/bin/mosquitto_passwd", "-c", "-b", pw.string(), "hearth", secret}, dir_ / "passwd.log"),
            0);
        ASSERT_EQ(
            run_command({"/usr/bin/mosquitto_passwd", "-b", pw.string(), "probe", "probe-pass"}, dir_ / "passwd.log"),
            0);
        broker_options o;
        o.password_file = pw;
        start_broker(o);
    }

    probe_options probe_user() const {
        probe_options o;
        o.username = "probe";
        o.password = "probe-pass";
        return o;
    }
};

TEST_F(mqtt_security, tls_with_the_right_ca_connects) {
    ASSERT_NO_FATAL_FAILURE(start_tls_broker());
    auto probe = make_probe({bridge_state_topic, "hearth/+"});
    daemon_options o = default_daemon_options();
    o.mqtt_url = broker_->tls_url();
    o.mqtt_extra = {{"tls", {{"ca_file", (dir_ / "tls" / "test-ca.crt").string()}}}};
    start_daemon(o);
    ASSERT_TRUE(wait_online(*probe, 10s)) << "hearthd did not come online over TLS";
    EXPECT_TRUE(probe->wait_topic(state_topic("living_light"), 5s));
    EXPECT_TRUE(probe->wait_topic(state_topic("hall_lock"), 5s));
    EXPECT_NE(daemon_->log().find("connected to mqtts://127.0.0.1:" + std::to_string(broker_->tls_port())),
              std::string::npos);
}

TEST_F(mqtt_security, tls_with_a_wrong_ca_does_not_connect_and_hearthd_lives_on) {
    ASSERT_NO_FATAL_FAILURE(start_tls_broker());
    ASSERT_NO_FATAL_FAILURE(make_ca("other-ca"));
    auto probe = make_probe({bridge_state_topic, "hearth/+"});
    daemon_options o = default_daemon_options();
    o.mqtt_url = broker_->tls_url();
    o.mqtt_extra = {{"tls", {{"ca_file", (dir_ / "tls" / "other-ca.crt").string()}}}};
    auto& daemon = start_daemon(o);
    EXPECT_FALSE(wait_online(*probe, 4s)) << "connected although the server cert is not from the trusted CA";
    EXPECT_FALSE(probe->wait_topic(state_topic("living_light"), 0ms));
    EXPECT_TRUE(daemon.running()) << "hearthd died on a TLS failure";
    EXPECT_NE(daemon.log().find("cannot connect"), std::string::npos) << "the failure is not logged";
}

TEST_F(mqtt_security, password_file_connects_and_the_password_is_never_logged) {
    const std::string secret = "canary-Pw-7f3c9e";
    ASSERT_NO_FATAL_FAILURE(start_password_broker(secret));
    auto probe = make_probe({bridge_state_topic, "hearth/+", "hearth/bridge/info"}, probe_user());
    write_file(dir_ / "mqtt.secret", secret + "\n");
    daemon_options o = default_daemon_options();
    o.mqtt_extra = {{"username", "hearth"}, {"password_file", (dir_ / "mqtt.secret").string()}};
    o.log_level = "debug";
    auto& daemon = start_daemon(o);
    ASSERT_TRUE(wait_online(*probe, 10s)) << "hearthd did not log in with username + password_file";
    EXPECT_TRUE(probe->wait_topic(state_topic("living_light"), 5s));

    // Exercise the paths that might leak it: a command (logged at debug), info, health, a shutdown.
    EXPECT_EQ(probe->set("porch_switch", {{"on", true}}).value("status", ""), "ok");
    auto info = probe->wait_topic("hearth/bridge/info", 5s);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->payload.find(secret), std::string::npos) << "bridge/info leaks the password";
    const json health = probe->request("health");
    EXPECT_EQ(health.value("status", ""), "ok");
    EXPECT_EQ(health.dump().find(secret), std::string::npos);
    const json info_reply = probe->request("info");
    EXPECT_EQ(info_reply.dump().find(secret), std::string::npos);
    for (const auto& m : probe->messages()) EXPECT_EQ(m.payload.find(secret), std::string::npos) << m.topic;

    daemon.stop();
    const std::string log = daemon.log();
    EXPECT_NE(log.find("debug command"), std::string::npos) << "expected debug lines in the log";
    EXPECT_EQ(log.find(secret), std::string::npos) << "the MQTT password appears in hearthd's log";
}

TEST_F(mqtt_security, wrong_password_does_not_connect_and_is_not_logged) {
    const std::string wrong = "wrong-Pw-canary-51d2";
    ASSERT_NO_FATAL_FAILURE(start_password_broker("the-right-one"));
    auto probe = make_probe({bridge_state_topic}, probe_user());
    write_file(dir_ / "mqtt.secret", wrong);
    daemon_options o = default_daemon_options();
    o.mqtt_extra = {{"username", "hearth"}, {"password_file", (dir_ / "mqtt.secret").string()}};
    auto& daemon = start_daemon(o);
    EXPECT_FALSE(wait_online(*probe, 3s));
    EXPECT_TRUE(daemon.running());
    daemon.stop();
    EXPECT_EQ(daemon.log().find(wrong), std::string::npos) << "the MQTT password appears in hearthd's log";
    // Issue 23 item 8: said in words, not "code 5".
    EXPECT_NE(daemon.log().find("the broker refused the user name or password"), std::string::npos) << daemon.log();
}

}  // namespace
}  // namespace hearth::test
