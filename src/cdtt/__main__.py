from cdtt.cli import main

main()
