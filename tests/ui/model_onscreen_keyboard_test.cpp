// The desk's on-screen keyboard as the app owns it (issue 9: a desk usable on a touch-only
// machine): when it shows, what each key types, Shift, the accents layer, the layouts.
#include <kiosk/ui/onscreen_keyboard.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace kiosk;
using namespace kiosk::ui;

namespace {

/// The key labelled `label` in the current rows, or a default key.
OskKey keyLabelled(const OnScreenKeyboard& k, const std::string& label,
                   core::Language l = core::Language::Fr) {
    for (const auto& row : k.rows(l))
        for (const auto& cap : row)
            if (cap.label == label) return cap.key;
    FAIL("no key labelled " << label);
    return {};
}

std::string type(OnScreenKeyboard& k, std::initializer_list<const char*> labels) {
    std::string out;
    for (const char* l : labels)
        if (auto t = k.press(keyLabelled(k, l))) out += t->text;
    return out;
}

}  // namespace

TEST_CASE("keyboard: auto shows it until a real keyboard is used - on and off are what they say") {
    OnScreenKeyboard k;
    CHECK(k.setting() == KeyboardSetting::Auto);
    CHECK(k.shown());
    k.physicalKeyTyped();
    CHECK_FALSE(k.shown());
    // The small keyboard button (Fold while hidden) brings it back.
    CHECK_FALSE(k.press(OskKey{OskKey::Kind::Fold, "", ""}));
    CHECK(k.shown());
    // Folded away by its own key.
    k.press(OskKey{OskKey::Kind::Fold, "", ""});
    CHECK_FALSE(k.shown());

    OnScreenKeyboard on;
    on.configure(KeyboardSetting::On);
    on.physicalKeyTyped();
    CHECK(on.shown());
    OnScreenKeyboard off;
    off.configure(KeyboardSetting::Off);
    CHECK_FALSE(off.shown());
    CHECK(keyboardSettingFromName("on") == KeyboardSetting::On);
    CHECK(keyboardSettingFromName("auto") == KeyboardSetting::Auto);
    CHECK(keyboardSettingFromName("off") == KeyboardSetting::Off);
    CHECK_FALSE(keyboardSettingFromName("sometimes"));
}

TEST_CASE("keyboard: letters, digits, Shift for one capital, Backspace and Enter") {
    OnScreenKeyboard k;
    CHECK(type(k, {"d", "v", "o", "r"}) == "dvor");
    CHECK(type(k, {"\u21E7", "z", "o"}) == "Zo");  // Shift, then small letters again
    CHECK_FALSE(k.shift());
    CHECK(type(k, {"4", "2"}) == "42");
    auto bs = k.press(keyLabelled(k, "\u232B"));
    REQUIRE(bs);
    CHECK(bs->backspace);
    CHECK(bs->text.empty());
    auto enter = k.press(keyLabelled(k, "\u23CE"));
    REQUIRE(enter);
    CHECK(enter->enter);
    // The space bar types a space.
    bool space = false;
    for (const auto& row : k.rows(core::Language::Fr))
        for (const auto& cap : row)
            if (cap.key.kind == OskKey::Kind::Text && cap.key.text == " ")
                space = k.press(cap.key)->text == " ";
    CHECK(space);
}

TEST_CASE("keyboard: the accents layer types the letters names have, in both cases") {
    OnScreenKeyboard k;
    k.press(keyLabelled(k, "àé"));
    CHECK(k.layer() == OnScreenKeyboard::Layer::Accents);
    CHECK(type(k, {"ë"}) == "ë");
    CHECK(type(k, {"\u21E7", "é"}) == "É");
    CHECK(type(k, {"ç", "ø", "œ"}) == "çøœ");
    k.press(keyLabelled(k, "abc"));
    CHECK(k.layer() == OnScreenKeyboard::Layer::Letters);
}

TEST_CASE("keyboard: AZERTY for a French desk, QWERTY for Dutch and English - same keys in every row count") {
    OnScreenKeyboard k;
    const auto fr = k.rows(core::Language::Fr);
    const auto en = k.rows(core::Language::En);
    REQUIRE(fr.size() == 5);
    REQUIRE(en.size() == 5);
    CHECK(fr[1][0].label == "a");
    CHECK(fr[1][1].label == "z");
    CHECK(en[1][0].label == "q");
    CHECK(en[1][1].label == "w");
    CHECK(fr[0][0].label == "1");
    // Every letter of the alphabet is on both layouts.
    for (const auto* rows : {&fr, &en})
        for (char c = 'a'; c <= 'z'; ++c) {
            bool found = false;
            for (const auto& row : *rows)
                for (const auto& cap : row) found = found || cap.label == std::string(1, c);
            CHECK_MESSAGE(found, c);
        }
}
