#include <cstdio>
int main() { std::puts("certa " CERTA_VERSION); return 0; }
