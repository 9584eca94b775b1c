from pipeline.command import main

main()
