// hearthctl audit verify (src/ctl/audit_verify.hpp): exit 0 and a count for an intact chain,
// exit 1 naming the first broken row after a row is deleted, exit 2 for usage and missing files.
#include "ctl/audit_verify.hpp"

#include "store/sqlite.hpp"
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct temp_db {
    fs::path dir = fs::temp_directory_path() / ("hearth-audit-" + std::to_string(::getpid()));
    fs::path db = dir / "h.db";
    temp_db() {
        fs::create_directories(dir);
        hearth::store_options o;
        o.audit_checkpoint_every = 3;
        auto s = hearth::store::open(db, o, 1'700'000'000'000);
        for (int i = 0; i < 7; ++i) {
            s->append_audit({0, 1'700'000'000'000 + i, "user", "mqtt", "lock.unlock", "door", "ok", {{"i", i}}});
        }
        s->close();
    }
    ~temp_db() { fs::remove_all(dir); }
};

int run(const std::vector<std::string>& args, std::string& out, std::string& err) {
    std::ostringstream o, e;
    const int code = hearth::ctl::run_audit_command(args, o, e);
    out = o.str();
    err = e.str();
    return code;
}

TEST(ctl_audit_verify, intact_then_broken) {
    const temp_db t;
    std::string out, err;
    EXPECT_EQ(run({"verify", "--db", t.db.string()}, out, err), 0) << err;
    EXPECT_NE(out.find("audit chain intact: 7 rows, 3 checkpoints matched"), std::string::npos) << out;
    {
        auto conn = hearth::sqlite::db::open(t.db);
        conn.exec("DELETE FROM audit_log WHERE id = 2");
    }
    EXPECT_EQ(run({"verify", "--db", t.db.string()}, out, err), 1);
    EXPECT_NE(out.find("audit chain BROKEN at row 3:"), std::string::npos) << out;
}

TEST(ctl_audit_verify, usage_and_missing_database) {
    std::string out, err;
    EXPECT_EQ(run({}, out, err), 2);
    EXPECT_NE(err.find("usage: hearthctl audit verify"), std::string::npos);
    EXPECT_EQ(run({"verify", "--db", "/nonexistent/h.db"}, out, err), 2);
    EXPECT_NE(err.find("no such database"), std::string::npos);
    EXPECT_EQ(run({"verify", "--bogus", "x"}, out, err), 2);
}

}  // namespace
