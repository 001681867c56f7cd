// Badge rendering benchmark, side by side with the ReportLab peer (the engine pretix's badges
// use) on the same content: A6, a coloured band, "Zoë Dvořák N", the organisation, a QR code.
// Usage: bench_badges [N=300] [OUTDIR=/tmp/kiosk-bench-badges]
// Prints ms/badge and KiB/badge for both, from the same run on the same machine.
#include <kiosk/printing/badge.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace kiosk;

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 300;
    const fs::path out = argc > 2 ? argv[2] : "/tmp/kiosk-bench-badges";
    if (n <= 0) {
        std::fprintf(stderr, "usage: bench_badges [N] [OUTDIR]\n");
        return 2;
    }
    fs::remove_all(out);
    fs::create_directories(out / "kiosk");
    printing::BadgeRenderer renderer;
    auto tpl = renderer.loadTemplate("bench");
    if (!tpl) {
        std::fprintf(stderr, "bench: %s\n", tpl.error().message.c_str());
        return 1;
    }
    printing::BadgeContent c;
    c.organisation = "Réseau bruxellois de la Solidarité";
    c.category = "participant";

    // Files are written like the peer's, inside the timed loop.
    const auto t0 = std::chrono::steady_clock::now();
    std::uintmax_t bytes = 0;
    size_t warnings = 0;
    for (int i = 0; i < n; ++i) {
        char name[64], code[64], file[64];
        std::snprintf(name, sizeof name, "Zoë Dvořák %d", i);
        std::snprintf(code, sizeof code, "RRBSI-2018-ATT-%04d-k3J9xQ7mPzL2", i);
        std::snprintf(file, sizeof file, "badge-%05d.pdf", i);
        c.attendeeId = std::to_string(i);
        c.firstName = "Zoë";
        c.lastName = std::string("Dvořák ") + std::to_string(i);
        c.displayName = name;
        c.qrPayload = code;
        auto pdf = renderer.renderBadge(c, *tpl);
        if (!pdf) {
            std::fprintf(stderr, "bench: %s [%s]\n", pdf.error().message.c_str(), pdf.error().code.c_str());
            return 1;
        }
        warnings += pdf->warnings.size();
        std::ofstream f(out / "kiosk" / file, std::ios::binary);
        f.write(pdf->bytes.data(), static_cast<std::streamsize>(pdf->bytes.size()));
        bytes += pdf->bytes.size();
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("kiosk:     %d badges, %.2f ms/badge, %.1f KiB/badge (libharu + hb-subset, %zu warnings)\n",
                n, ms / n, bytes / 1024.0 / n, warnings);
    std::fflush(stdout);

    const std::string peer = std::string(KIOSK_SHARED_DIR) + "/peers/reportlab-badges";
    if (!fs::exists(peer)) {
        std::printf("reportlab: peer not found at %s\n", peer.c_str());
        return 0;
    }
    const std::string cmd = "'" + peer + "' " + std::to_string(n) + " '" + (out / "reportlab").string() + "'";
    const int rc = std::system(cmd.c_str());
    return rc == 0 ? 0 : 1;
}
