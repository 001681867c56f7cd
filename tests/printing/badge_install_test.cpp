// An installed kiosk finds its own assets: `cmake --install` to a temporary prefix, the tree
// moved elsewhere, the program run from another folder with nothing pointing at the source
// tree — it makes the demo and its badges. Without its share/kiosk it says where it looked.
#include "badge_fixture.hpp"

#include <fstream>
#include <iterator>

using namespace badge_test;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE(
    "install: cmake --install puts bin, assets and the systemd unit - the moved program finds its assets") {
    TempDir t;
    const fs::path prefix = t.path / "prefix";
    int status = -1;
    const std::string log =
        run("(cmake --install " + quote(KIOSK_BINARY_DIR) + " --prefix " + quote(prefix.string()) + " 2>&1)",
            &status);
    REQUIRE_MESSAGE(status == 0, log);
    CHECK(fs::is_regular_file(prefix / "bin" / "kiosk"));
    CHECK(fs::is_regular_file(prefix / "share" / "kiosk" / "templates" / "default.json"));
    CHECK(fs::is_regular_file(prefix / "share" / "kiosk" / "lang" / "fr.json"));
    CHECK(fs::is_regular_file(prefix / "share" / "kiosk" / "images" / "rrbsi-2018-logo.png"));
    const std::string unit = slurp(prefix / "lib" / "systemd" / "system" / "kiosk.service");
    CHECK_MESSAGE(unit.find("ExecStart=/usr/bin/cage -d -- " + (prefix / "bin" / "kiosk").string() +
                            " run") != std::string::npos,
                  unit);
    // The program carries no path into the source tree: it must find its assets by itself.
    const std::string exe = slurp(prefix / "bin" / "kiosk");
    CHECK(exe.find(std::string(KIOSK_SOURCE_DIR) + "/assets") == std::string::npos);

    // Moved as a whole (bin/ and share/ together), run from an unrelated folder.
    const fs::path moved = t.path / "elsewhere" / "kiosk";
    fs::create_directories(moved.parent_path());
    fs::rename(prefix, moved);
    const fs::path work = t.path / "work";
    fs::create_directories(work);
    const std::string kiosk = "cd " + quote(work.string()) + " && env -u KIOSK_ASSETS_DIR " +
                              quote((moved / "bin" / "kiosk").string());
    std::string out = run("(" + kiosk + " demo --db demo.kiosk 2>&1)", &status);
    REQUIRE_MESSAGE(status == 0, out);
    const std::string codes = run(kiosk + " codes --db demo.kiosk", &status);
    REQUIRE(status == 0);
    const std::string id = codes.substr(0, codes.find('\t'));
    out = run("(" + kiosk + " badge --db demo.kiosk --attendee " + id + " --out b.pdf 2>&1)", &status);
    REQUIRE_MESSAGE(status == 0, out);
    const std::string text = squash(run("pdftotext -enc UTF-8 " + quote((work / "b.pdf").string()) + " -"));
    CHECK_MESSAGE(text.find("RRBSI 2018") != std::string::npos, text);
    CHECK(run("pdfimages -list " + quote((work / "b.pdf").string())).find("smask") !=
          std::string::npos);  // logo
    out = run("(" + kiosk + " badge --db demo.kiosk --attendee " + id + " --template cr80 --out c.pdf 2>&1)",
              &status);
    CHECK_MESSAGE(status == 0, out);

    // Without its share/kiosk the program says what is missing and where it looked.
    fs::remove_all(moved / "share" / "kiosk");
    if (fs::exists("/usr/local/share/kiosk/templates/default.json")) {
        MESSAGE("SKIPPED: the missing-assets check, a kiosk is installed in /usr/local");
        return;
    }
    out = run("(" + kiosk + " badge --db demo.kiosk --attendee " + id + " --out d.pdf 2>&1)", &status);
    CHECK(status == 2);
    CHECK_MESSAGE(out.find("assets.missing") != std::string::npos, out);
    CHECK_MESSAGE(out.find((moved / "share" / "kiosk").string()) != std::string::npos, out);
    CHECK_FALSE(fs::exists(work / "d.pdf"));
}
