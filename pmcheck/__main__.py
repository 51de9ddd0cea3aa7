from pmcheck.cli import main

main()
