from thidua.cli import main

main()
