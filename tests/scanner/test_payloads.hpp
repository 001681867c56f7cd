#pragma once
// One sample payload per kind in ../shared/FORMATS.md, shaped like the real ones.
#include <string>
#include <utility>
#include <vector>

namespace kiosk::scanner::test {

inline std::vector<std::pair<std::string, std::string>> samplePayloads() {
    return {
        {"pretix secret", "k7hq3mxd9za2bncte4wuyp8vfgr5js6e"},
        // reversed standard base64 of an envelope starting with 0x01 → ends in "AQA"; 116 chars
        {"pretix signed",
         "=ABKcuVvdGGzOuSVoePYHTqyCIDoPvDFhl4Z1m+0qQ3YwRvd8Hm5pDaRkpAm9Q1ZTsXC0sABnhAhr/CtRVg3uo7WqB2f"
         "xRo+TtlkTtSvjyBaCYlhHAQA"},
        {"eventbrite", "1234567890123456789001"},
        {"indico v2", "{\"i\":[2,\"indico.example.org\",\"3q2+7wAAAABAAIAAAAAAAA==\"]}"},
        {"indico legacy",
         "{\"registrant_id\":\"4711\",\"checkin_secret\":\"0b5b0b8e-6f0c-4c5f-9a55-2c1d3e4f5a6b\","
         "\"event_id\":\"1234\",\"server_url\":\"https://indico.example.org\",\"version\":1}"},
        {"hi.events", "A-7KQ2M9X"},
        {"kiosk KQ1",
         "KQ1:BJZGE3TTNEWTEMBRHBBOYLQ5NZUXEOEPXRN6M2QWAY3Z5FAM2DXS4NL5KKQ4WVQPNFIOGYB5HUBC7PCUIK2AK5D5ZDFIX"
         "KHGQV3ZXL7ZSMQXYZQ5Y"},
        {"utf-8 names", "Zoë Dvořák — Ελένη Παπαδοπούλου — Дмитрий Шостакович"},
    };
}

}  // namespace kiosk::scanner::test
