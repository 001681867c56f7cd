#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

// Tests read the source tree's assets, and so does every kiosk they start (the variable is
// inherited); the install test clears it to check how an installed kiosk finds its own.
int main(int argc, char** argv) {
    ::setenv("KIOSK_ASSETS_DIR", KIOSK_ASSETS_DIR, 0);
    return doctest::Context(argc, argv).run();
}
