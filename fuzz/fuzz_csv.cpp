// libFuzzer target: the CSV reader and every importer on arbitrary bytes. Any crash, sanitizer
// report or broken invariant (a row without line, id or name; a rejection without reason) fails.
#include <kiosk/core.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    using kiosk::core::ImportFormat;
    for (auto format : {ImportFormat::Auto, ImportFormat::Pretix, ImportFormat::Eventbrite,
                        ImportFormat::Generic, ImportFormat::Indico}) {
        auto batch = kiosk::core::parseExport(bytes, format);
        if (!batch) {
            if (batch.error().code.empty() || batch.error().message.empty()) std::abort();
            continue;
        }
        for (const auto& row : batch->rows) {
            if (row.line < 2 || row.attendee.externalId.empty()) std::abort();
            if (row.attendee.firstName.empty() && row.attendee.lastName.empty()) std::abort();
        }
        for (const auto& rej : batch->rejected)
            if (rej.line < 1 || rej.reason.empty()) std::abort();
    }
    return 0;
}
